package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.UserRepresentation;

import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.ResetFlowClient;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;

/** The SMS reset flow at the HTTP level against the live server: the attack and fault cases of SECURITY.md. */
@ExtendWith(KeycloakExtension.class)
class ForgotPasswordIT {

    private static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    @Nested
    class Codes {

        @Test
        void givenAPageReloadThenNoSecondSmsIsSent(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.national());
            Sms.await(setup.gateway(), e.phone(), "verification_code", 1);
            HttpResponse<String> again = tab.reload();
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).contains("ocq-sms-code-form");
            tab.start().submitAccount(e.national());
            assertThat(Sms.to(setup.gateway(), e.phone(), "verification_code")).as("nor a new tab within the cooldown").hasSize(1);
        }

        @Test
        void givenFiveWrongCodesThenTheCodeIsDeadEvenForTheRightOne(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.phone());
            String code = Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1));
            for (int i = 1; i <= 4; i++) {
                assertThat(tab.submitCode(wrong(code)).body()).as("entry " + i).contains("验证码错误");
            }
            assertThat(tab.submitCode(wrong(code)).body()).contains("错误次数过多");
            assertThat(tab.submitCode(code).body()).contains("验证码已失效").doesNotContain("ocq-new-password-form");
        }

        @Test
        void givenACodeOfAnotherTabThenItIsRejected(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tabA = new ResetFlowClient(keycloak).start();
            tabA.submitAccount(e.username());
            String codeA = Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1));

            Employee other = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tabB = new ResetFlowClient(keycloak).start();
            tabB.submitAccount(other.username());
            Sms.await(setup.gateway(), other.phone(), "verification_code", 1);
            assertThat(tabB.submitCode(codeA).body()).doesNotContain("ocq-new-password-form");
        }

        @Test
        void givenTheRightCodeTwiceThenOnlyTheFirstIsAccepted(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.phone());
            String code = Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1));
            String codeAction = tab.action("ocq-sms-code-form");
            assertThat(tab.submitCode(code).body()).contains("ocq-new-password-form");
            HttpResponse<String> replay = tab.postTo(tab.last().uri().resolve(codeAction), Map.of("code", code));
            assertThat(replay.body()).as("a replayed submission does not pass the code step again")
                    .doesNotContain("验证码已发送");
        }

        @Test
        void givenTheNumberChangedAfterSendingThenTheCodeIsRejected(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.username());
            String code = Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1));
            var user = keycloak.admin().realm(ItConfig.REALM).users().get(e.id());
            UserRepresentation rep = user.toRepresentation();
            rep.singleAttribute("phoneNumber", "+8613699999" + e.phone().substring(e.phone().length() - 3));
            user.update(rep);
            assertThat(tab.submitCode(code).body()).doesNotContain("ocq-new-password-form");
        }

        @Test
        void givenTheUserWasDisabledAfterSendingThenTheCodeIsRejected(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.username());
            String code = Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1));
            var user = keycloak.admin().realm(ItConfig.REALM).users().get(e.id());
            UserRepresentation rep = user.toRepresentation();
            rep.setEnabled(false);
            user.update(rep);
            assertThat(tab.submitCode(code).body()).doesNotContain("ocq-new-password-form");
        }
    }

    @Nested
    class NoEnumeration {

        @Test
        void givenAnUnknownAccountThenThePageIsTheSameAsForARealOne(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient real = new ResetFlowClient(keycloak).start();
            HttpResponse<String> realPage = real.submitAccount(e.username());
            ResetFlowClient unknown = new ResetFlowClient(keycloak).start();
            HttpResponse<String> unknownPage = unknown.submitAccount("nosuch" + e.username().substring(3));
            // Both typed as usernames: same status, same markup but for the account each typed.
            assertThat(unknownPage.statusCode()).isEqualTo(realPage.statusCode());
            assertThat(ResetFlowClient.comparable(unknownPage.body(), "nosuch" + e.username().substring(3)))
                    .isEqualTo(ResetFlowClient.comparable(realPage.body(), e.username()));
            assertThat(realPage.headers().map().keySet()).isEqualTo(unknownPage.headers().map().keySet());
        }

        @Test
        void givenAnUnknownNumberThenItsWrongCodesAnswerLikeARealOnes(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient real = new ResetFlowClient(keycloak).start();
            real.submitAccount(e.phone());
            String code = Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1));
            ResetFlowClient unknown = new ResetFlowClient(keycloak).start();
            unknown.submitAccount("+8613511112222");
            for (int i = 1; i <= 6; i++) {
                String realAnswer = real.submitCode(wrong(code)).body();
                String unknownAnswer = unknown.submitCode("000002").body();
                assertThat(ResetFlowClient.comparable(unknownAnswer, "+8613511112222").replaceAll("\\d{3}\\*{4}\\d{4}", "M"))
                        .as("answer " + i)
                        .isEqualTo(ResetFlowClient.comparable(realAnswer, e.phone()).replaceAll("\\d{3}\\*{4}\\d{4}", "M"));
            }
        }

        @Test
        void givenMarkupAndOverlongInputThenTheAnswerIsTheSameGenericPageNever500(KeycloakRuntime keycloak) {
            for (String account : new String[] {"\"><img src=x onerror=alert(1)>", "a".repeat(256), "${7*7}<#assign x=1>",
                    "' OR 1=1 --", "ctrl\u0001chars"}) {
                HttpResponse<String> page = new ResetFlowClient(keycloak).start().submitAccount(account);
                assertThat(page.statusCode()).as(account).isEqualTo(200);
                assertThat(page.body()).as(account).contains("ocq-sms-code-form").doesNotContain("<img src=x");
            }
        }
    }

    @Nested
    class FlowTampering {

        @Test
        void givenAPostStraightToTheNewPasswordStepThenNoPasswordChanges(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.username());
            Sms.await(setup.gateway(), e.phone(), "verification_code", 1);
            // The code form's action with the new-password fields: the server must not take them.
            tab.postTo(tab.last().uri().resolve(tab.action("ocq-sms-code-form")),
                    Map.of("password-new", "Hijacked-pass-2026", "password-confirm", "Hijacked-pass-2026"));
            assertThat(tab.last().body()).doesNotContain("ocq-new-password-form").doesNotContain("密码已重置");
            assertThat(keycloak.admin().realm(ItConfig.REALM).users().get(e.id()).credentials())
                    .allSatisfy(c -> assertThat(c.getCreatedDate()).isNotNull());
        }

        @Test
        void givenAResetThenOtherSessionsEndAndTheOldPasswordFails(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            var realm = keycloak.admin().realm(ItConfig.REALM);
            try (var signedIn = org.keycloak.admin.client.KeycloakBuilder.builder().serverUrl(keycloak.baseUrl())
                    .realm(ItConfig.REALM).clientId("admin-cli").username(e.username()).password(e.password()).build()) {
                signedIn.tokenManager().getAccessTokenString();
                assertThat(realm.users().get(e.id()).getUserSessions()).isNotEmpty();

                ResetFlowClient tab = new ResetFlowClient(keycloak).start();
                tab.submitAccount(e.username());
                tab.submitCode(Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1)));
                HttpResponse<String> done = tab.submitNewPassword("Brand-new-pass-2026");
                assertThat(done.body()).contains("密码已重置，请使用新密码登录。");
                assertThat(realm.users().get(e.id()).getUserSessions()).as("every session ended").isEmpty();
                assertThat(Sms.await(setup.gateway(), e.phone(), "password_changed", 1).path("text").asText())
                        .doesNotContain("Brand-new-pass-2026");
            }
        }
    }
}
