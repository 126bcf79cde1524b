package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.Eventually;
import com.ocq.keycloak.it.support.Events;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.OcqWebApp;
import com.ocq.keycloak.it.support.RealmSettings;
import com.ocq.keycloak.it.support.ResetFlowClient;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;
import com.ocq.keycloak.it.support.Totp;

/** The SMS reset flow at the HTTP level against the live server: the attack and fault cases of SECURITY.md. */
@ExtendWith(KeycloakExtension.class)
class ForgotPasswordIT {

    /** A fresh employee whose tab asked for a code, typing the account as {@code typed} gives it, and the code the phone got. */
    private record Asked(Employee employee, ResetFlowClient tab, String code) {
    }

    private static final String CODE = "verification_code";
    private static final Duration SETTLE = Duration.ofMillis(1500);

    private static Asked askForCode(KeycloakRuntime keycloak, ServerSetup setup, Function<Employee, String> typed) {
        Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        ResetFlowClient tab = new ResetFlowClient(keycloak).start();
        tab.submitAccount(typed.apply(e));
        return new Asked(e, tab, Sms.code(Sms.await(setup.gateway(), e.phone(), CODE, 1)));
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    @Nested
    class Codes {

        @Test
        void givenAPageReloadThenNoSecondSmsIsSent(KeycloakRuntime keycloak, ServerSetup setup) {
            Asked asked = askForCode(keycloak, setup, Employee::national);
            Employee e = asked.employee();
            ResetFlowClient tab = asked.tab();
            HttpResponse<String> again = tab.reload();
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).contains("ocq-sms-code-form");
            tab.start().submitAccount(e.national());
            assertThat(Sms.countAfter(setup.gateway(), e.phone(), CODE, SETTLE)).as("one SMS: none for the reload, nor for a new tab "
                    + "within the cooldown").isEqualTo(1);
        }

        @Test
        void givenFiveWrongCodesThenTheCodeIsDeadEvenForTheRightOne(KeycloakRuntime keycloak, ServerSetup setup) {
            Asked asked = askForCode(keycloak, setup, Employee::phone);
            ResetFlowClient tab = asked.tab();
            String code = asked.code();
            for (int i = 1; i <= 4; i++) {
                assertThat(tab.submitCode(wrong(code)).body()).as("entry " + i).contains("验证码错误");
            }
            assertThat(tab.submitCode(wrong(code)).body()).contains("错误次数过多");
            assertThat(tab.submitCode(code).body()).contains("验证码已失效").doesNotContain("ocq-new-password-form");
        }

        @Test
        void givenACodeOfAnotherTabThenItIsRejected(KeycloakRuntime keycloak, ServerSetup setup) {
            Asked a = askForCode(keycloak, setup, Employee::username);
            Asked b = askForCode(keycloak, setup, Employee::username);
            assumeFalse(a.code().equals(b.code()), "the two tabs drew the same code (one in a million)");
            HttpResponse<String> page = b.tab().submitCode(a.code());
            assertThat(page.body()).doesNotContain("ocq-new-password-form");
            assertThat(ResetFlowClient.fieldError(page, "code")).isEqualTo(ResetFlowClient.WRONG_CODE);
        }

        @Test
        void givenTheRightCodeTwiceThenOnlyTheFirstIsAccepted(KeycloakRuntime keycloak, ServerSetup setup) {
            Asked asked = askForCode(keycloak, setup, Employee::phone);
            ResetFlowClient tab = asked.tab();
            String code = asked.code();
            URI codeAction = tab.last().uri().resolve(tab.action("ocq-sms-code-form"));
            assertThat(tab.submitCode(code).body()).contains("ocq-new-password-form");
            URI passwordAction = tab.last().uri().resolve(tab.action("ocq-new-password-form"));
            assertThat(tab.submitNewPassword("Right-once-2026!").body()).contains("密码已重置");

            HttpResponse<String> replay = tab.postTo(codeAction, Map.of("code", code));
            assertThat(replay.statusCode()).isLessThan(500);
            assertThat(replay.body()).as("the used code posted again after the password was set").doesNotContain("ocq-new-password-form")
                    .doesNotContain("密码已重置");
            assertThat(tab.postTo(passwordAction, Map.of("password-new", "Right-twice-2026!", "password-confirm", "Right-twice-2026!"))
                    .body()).as("the new-password form posted again").doesNotContain("密码已重置");
            assertThat(Events.of(keycloak.admin().realm(ItConfig.REALM), asked.employee().id(), "UPDATE_PASSWORD")).hasSize(1);
        }

        @Test
        void givenTheNumberChangedAfterSendingThenTheCodeIsRejected(KeycloakRuntime keycloak, ServerSetup setup) {
            HttpResponse<String> page = codeAfterAnAdminChange(keycloak, setup, rep -> {
                String phone = rep.firstAttribute("phoneNumber");
                rep.singleAttribute("phoneNumber", "+8613699999" + phone.substring(phone.length() - 3));
            });
            assertThat(page.body()).doesNotContain("ocq-new-password-form");
            assertThat(ResetFlowClient.fieldError(page, "code")).isEqualTo(ResetFlowClient.EXPIRED_CODE);
        }

        @Test
        void givenTheUserWasDisabledAfterSendingThenTheCodeIsRejectedLikeAnUnknownAccounts(KeycloakRuntime keycloak,
                ServerSetup setup) {
            HttpResponse<String> page = codeAfterAnAdminChange(keycloak, setup, rep -> rep.setEnabled(false));
            // Not Keycloak's "account disabled" page: that would tell whoever holds the tab (rule 9).
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(ResetFlowClient.fieldError(page, "code")).isEqualTo(ResetFlowClient.WRONG_CODE);
            assertThat(page.body()).doesNotContain("ocq-new-password-form").doesNotContain("禁用");
        }

        @Test
        void givenTheUserWasDisabledAfterSendingThenAReloadShowsTheSameCodePage(KeycloakRuntime keycloak, ServerSetup setup) {
            RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
            Asked asked = askForCode(keycloak, setup, Employee::username);
            String before = ResetFlowClient.comparable(asked.tab().reload().body(), asked.employee().username());
            UserRepresentation rep = realm.users().get(asked.employee().id()).toRepresentation();
            rep.setEnabled(false);
            realm.users().get(asked.employee().id()).update(rep);
            HttpResponse<String> after = asked.tab().reload();
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(ResetFlowClient.comparable(after.body(), asked.employee().username())).isEqualTo(before);
        }

        /**
         * Rule 12: wrong codes and refused new passwords are the recovery's own
         * business, never failed sign-ins for Keycloak's brute-force detection (which would lock the
         * password login). A wrong password afterwards is counted, as the only failure.
         */
        @Test
        void givenWrongCodesAndARefusedNewPasswordThenThePasswordLoginIsNotCounted(KeycloakRuntime keycloak,
                ServerSetup setup) {
            RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
            Asked asked = askForCode(keycloak, setup, Employee::username);
            Employee e = asked.employee();
            ResetFlowClient tab = asked.tab();
            for (int i = 1; i <= 4; i++) {
                assertThat(ResetFlowClient.fieldError(tab.submitCode(wrong(asked.code())), "code")).isEqualTo(ResetFlowClient.WRONG_CODE);
            }
            assertThat(tab.submitCode(asked.code()).body()).contains("ocq-new-password-form");
            assertThat(tab.submitNewPassword("short").body()).contains("ocq-new-password-form").contains("最短长度");

            ResetFlowClient signIn = new ResetFlowClient(keycloak);
            signIn.openSignIn();
            signIn.signIn(e.username(), e.password() + "x");
            assertThat(Eventually.until(() -> failures(realm, e), n -> n >= 1, "the wrong password counted"))
                    .as("failed sign-ins Keycloak counted").isEqualTo(1);
            ResetFlowClient again = new ResetFlowClient(keycloak);
            try {
                again.openSignIn();
                again.signIn(e.username(), e.password());
                assertThat(again.reachedApp()).as("the password login still works").isTrue();
            } finally {
                again.app().close();
                signIn.app().close();
            }
        }

        private static int failures(RealmResource realm, Employee e) {
            return ((Number) realm.attackDetection().bruteForceUserStatus(e.id()).get("numFailures")).intValue();
        }

        /** The page answering the right code, entered after an admin changed the employee by {@code change} since it was sent. */
        private HttpResponse<String> codeAfterAnAdminChange(KeycloakRuntime keycloak, ServerSetup setup,
                Consumer<UserRepresentation> change) {
            Asked asked = askForCode(keycloak, setup, Employee::username);
            var user = keycloak.admin().realm(ItConfig.REALM).users().get(asked.employee().id());
            UserRepresentation rep = user.toRepresentation();
            change.accept(rep);
            user.update(rep);
            return asked.tab().submitCode(asked.code());
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
            Asked asked = askForCode(keycloak, setup, Employee::phone);
            Employee e = asked.employee();
            ResetFlowClient real = asked.tab();
            String code = asked.code();
            ResetFlowClient unknown = new ResetFlowClient(keycloak).start();
            unknown.submitAccount("+8613511112222");
            for (int i = 1; i <= 6; i++) {
                String realAnswer = real.submitCode(wrong(code)).body();
                String unknownAnswer = unknown.submitCode("000002").body();
                assertThat(ResetFlowClient.comparable(unknownAnswer, "+8613511112222").replaceAll("\\d{3}\\*{4}\\d{4}", "M"))
                        .as("answer " + i)
                        .isEqualTo(ResetFlowClient.comparable(realAnswer, e.phone()).replaceAll("\\d{3}\\*{4}\\d{4}", "M"));
            }
            assertThat(keycloak.admin().realm(ItConfig.REALM).getEvents(null, null, null, null, null, null, 0, 500))
                    .as("no event holds a typed number in full (rule 20)").allSatisfy(ev -> assertThat(String.valueOf(ev.getDetails()))
                            .doesNotContain("13511112222").doesNotContain(e.national()));
        }

        @Test
        void givenMarkupAndOverlongInputThenTheAnswerIsTheSameGenericPageNever500(KeycloakRuntime keycloak) {
            HttpResponse<String> unknown = new ResetFlowClient(keycloak).start().submitAccount("nosuch" + UUID.randomUUID());
            for (String account : new String[] {"\"><img src=x onerror=alert(1)>", "a".repeat(256), "${7*7}<#assign x=1>",
                    "' OR 1=1 --", "ctrl\u0001chars"}) {
                HttpResponse<String> page = new ResetFlowClient(keycloak).start().submitAccount(account);
                assertThat(page.statusCode()).as(account).isEqualTo(200);
                assertThat(page.body()).as(account).contains("ocq-sms-code-form").doesNotContain("<img src=x");
                assertThat(withoutAccount(page)).as("the page for %s, but for the account shown", account)
                        .isEqualTo(withoutAccount(unknown));
                assertThat(page.headers().map().keySet()).as(account).isEqualTo(unknown.headers().map().keySet());
            }
        }

        /** The page {@link ResetFlowClient#comparable compared}, with the account it shows (as typed, escaped) blanked. */
        private static String withoutAccount(HttpResponse<String> page) {
            return ResetFlowClient.comparable(page.body()).replaceAll("(id=\"kc-attempted-username\" value=\")[^\"]*\"", "$1ACCOUNT\"");
        }
    }

    @Nested
    class FlowTampering {

        @Test
        void givenAPostStraightToTheNewPasswordStepThenNoPasswordChanges(KeycloakRuntime keycloak, ServerSetup setup) {
            RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
            Asked asked = askForCode(keycloak, setup, Employee::username);
            Employee e = asked.employee();
            ResetFlowClient tab = asked.tab();
            List<CredentialRepresentation> before = realm.users().get(e.id()).credentials();
            // The code page's own action (its live session code and tab), naming the new-password step
            // as the execution: the step the form would reach only after the code.
            String newPasswordStep = realm.flows().getExecutions(RealmSettings.RESET_FLOW).stream()
                    .filter(x -> "ocq-reset-new-password".equals(x.getProviderId())).findFirst().orElseThrow().getId();
            URI codeAction = tab.last().uri().resolve(tab.action("ocq-sms-code-form"));
            URI straight = URI.create(codeAction.toString().replaceFirst("([?&]execution=)[^&]*", "$1" + newPasswordStep));
            assertThat(straight.getRawQuery()).contains("session_code=").contains("tab_id=").contains("execution=" + newPasswordStep);
            HttpResponse<String> page = tab.postTo(straight,
                    Map.of("password-new", "Hijacked-pass-2026", "password-confirm", "Hijacked-pass-2026"));
            assertThat(page.statusCode()).isLessThan(500);
            assertThat(page.body()).doesNotContain("ocq-new-password-form").doesNotContain("密码已重置");
            assertThat(realm.users().get(e.id()).credentials()).as("the stored password").extracting(CredentialRepresentation::getId,
                    CredentialRepresentation::getCreatedDate).isEqualTo(before.stream().map(c -> tuple(
                            c.getId(), c.getCreatedDate())).toList());
            assertThat(Events.of(realm, e.id(), "UPDATE_PASSWORD")).isEmpty();
        }

        @Test
        void givenAnOldSessionCodeOrNoTabIdThenNoStepIsTakenAndNothingBreaks(KeycloakRuntime keycloak, ServerSetup setup) {
            RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
            Employee e = Employees.create(realm);
            Employee other = Employees.create(realm);
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            URI accountAction = tab.last().uri().resolve(tab.action("kc-reset-password-form"));
            tab.submitAccount(e.username());
            String code = Sms.code(Sms.await(setup.gateway(), e.phone(), CODE, 1));
            URI codeAction = tab.last().uri().resolve(tab.action("ocq-sms-code-form"));

            HttpResponse<String> replayed = tab.postTo(accountAction, Map.of("username", other.username()));
            assertThat(replayed.statusCode()).isLessThan(500);
            URI noTab = URI.create(codeAction.toString().replaceAll("([?&])tab_id=[^&]*&?", "$1"));
            HttpResponse<String> tabless = tab.postTo(noTab, Map.of("code", code));
            assertThat(tabless.statusCode()).isLessThan(500);
            assertThat(tabless.body()).doesNotContain("ocq-new-password-form");
            assertThat(Sms.countAfter(setup.gateway(), other.phone(), CODE, SETTLE))
                    .as("the replayed account step chose nobody new").isZero();
        }

        @Test
        void givenFieldsNamingAnotherUserThenTheyAreIgnored(KeycloakRuntime keycloak, ServerSetup setup) {
            RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
            Asked asked = askForCode(keycloak, setup, Employee::username);
            Employee e = asked.employee();
            ResetFlowClient tab = asked.tab();
            String code = asked.code();
            Employee other = Employees.create(realm);
            tab.post("ocq-sms-code-form", Map.of("code", code, "username", other.username(), "user_id", other.id(),
                    "phoneNumber", other.phone()));
            tab.post("ocq-new-password-form", Map.of("password-new", "Named-other-2026!", "password-confirm", "Named-other-2026!",
                    "username", other.username(), "user_id", other.id()));
            assertThat(tab.last().body()).contains("密码已重置");
            assertThat(Events.of(realm, e.id(), "UPDATE_PASSWORD")).hasSize(1);
            assertThat(Events.of(realm, other.id(), "UPDATE_PASSWORD")).isEmpty();
        }

        @Test
        void givenMarkupInTheCodeFieldThenItIsShownAsTextNever500(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.username());
            for (String typed : new String[] {"\"><img src=x onerror=alert('ocq1')>", "${7*7}", "１２３４５６<script>alert('ocq2')</script>",
                    "9".repeat(300)}) {
                HttpResponse<String> page = tab.submitCode(typed);
                assertThat(page.statusCode()).as(typed).isEqualTo(200);
                assertThat(page.body()).as(typed).contains("ocq-sms-code-form").doesNotContain("<img src=x onerror=alert('ocq1')>")
                        .doesNotContain("<script>alert('ocq2')");
            }
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
                tab.submitCode(Sms.code(Sms.await(setup.gateway(), e.phone(), CODE, 1)));
                HttpResponse<String> done = tab.submitNewPassword("Brand-new-pass-2026");
                assertThat(done.body()).contains("密码已重置，请使用新密码登录。");
                assertThat(realm.users().get(e.id()).getUserSessions()).as("every session ended").isEmpty();
                assertThat(Sms.await(setup.gateway(), e.phone(), "password_changed", 1).path("text").asText())
                        .doesNotContain("Brand-new-pass-2026");
            }
        }
    }

    @Nested
    class Pages {

        @Test
        void givenEveryResetPageThenNoReferrerAContentSecurityPolicyAndNoInlineHandler(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            List<HttpResponse<String>> pages = new ArrayList<>(List.of(tab.last()));
            pages.add(tab.submitAccount(e.username()));
            pages.add(tab.submitCode(Sms.code(Sms.await(setup.gateway(), e.phone(), CODE, 1))));
            assertThat(pages.get(2).body()).contains("ocq-new-password-form");
            for (HttpResponse<String> page : pages) {
                assertThat(page.headers().firstValue("Referrer-Policy")).as(page.uri().toString()).hasValue("no-referrer");
                assertThat(page.headers().firstValue("Content-Security-Policy")).as(page.uri().toString()).isPresent();
                assertThat(page.body()).as("inline event handlers on " + page.uri()).doesNotContainPattern("<[^>]*\\son[a-z]+\\s*=");
            }
        }
    }

    @Nested
    class Races {

        @Test
        void givenOneValidCodeSubmittedTenTimesAtOnceThenThePasswordChangesOnce(KeycloakRuntime keycloak, ServerSetup setup) {
            Asked asked = askForCode(keycloak, setup, Employee::phone);
            Employee e = asked.employee();
            ResetFlowClient tab = asked.tab();
            String code = asked.code();
            List<HttpResponse<String>> answers = tab.postConcurrently("ocq-sms-code-form", Map.of("code", code), 10);
            // Keycloak's single-use session codes turn most copies away before they reach the code
            // check; those that race past it meet the code's atomic use. Never an error, one change.
            assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isLessThan(500));
            List<HttpResponse<String>> passed = answers.stream().filter(a -> a.body().contains("ocq-new-password-form")).toList();
            assertThat(passed).as("copies that reached 重置密码").isNotEmpty();
            assertThat(tab.reload().body()).as("the tab now stands at 重置密码").contains("ocq-new-password-form");
            URI setPassword = tab.last().uri().resolve(tab.action("ocq-new-password-form"));
            assertThat(tab.submitNewPassword("Raced-pass-2026!").body()).contains("密码已重置");
            assertThat(tab.postTo(setPassword, Map.of("password-new", "Raced-again-2026!", "password-confirm", "Raced-again-2026!")).body())
                    .as("the same form posted again").doesNotContain("密码已重置");
            assertThat(Events.of(keycloak.admin().realm(ItConfig.REALM), e.id(), "UPDATE_PASSWORD")).hasSize(1);
        }

        @Test
        void givenAHundredWrongCodesAtOnceThenNoneSucceedsAndEveryOneThatWasCheckedCounts(KeycloakRuntime keycloak,
                ServerSetup setup) {
            RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
            Asked asked = askForCode(keycloak, setup, Employee::phone);
            Employee e = asked.employee();
            ResetFlowClient tab = asked.tab();
            String code = asked.code();
            List<HttpResponse<String>> answers = tab.postConcurrently("ocq-sms-code-form", Map.of("code", wrong(code)), 100);
            assertThat(answers).allSatisfy(a -> {
                assertThat(a.statusCode()).isLessThan(500);
                assertThat(a.body()).doesNotContain("ocq-new-password-form");
            });
            long checked = answers.stream().filter(a -> a.body().contains("验证码错误") || a.body().contains("错误次数过多")
                    || a.body().contains("验证码已失效")).count();
            assertThat(checked).as("copies that reached the code check").isPositive();
            long counted = Events.of(realm, e.id(), "RESET_PASSWORD_ERROR").stream()
                    .filter(ev -> List.of("wrong_code", "too_many_wrong_codes", "no_live_code").contains(ev.getDetails().get("reason")))
                    .count();
            assertThat(counted).as("every checked copy left an error event").isEqualTo(checked);

            tab.reload();
            HttpResponse<String> right = tab.submitCode(code);
            long wrongOnes = Events.of(realm, e.id(), "RESET_PASSWORD_ERROR").stream()
                    .filter(ev -> List.of("wrong_code", "too_many_wrong_codes").contains(ev.getDetails().get("reason"))).count();
            if (wrongOnes >= 5) {
                assertThat(right.body()).as("five wrong entries killed the code").doesNotContain("ocq-new-password-form");
            } else {
                assertThat(right.body()).as("%d wrong entries left the code alive", wrongOnes).contains("ocq-new-password-form");
            }
        }

        @Test
        void givenAHundredTabsAskingForOneNumberAtOnceThenExactlyOneSmsGoesOut(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
            List<ResetFlowClient> tabs = ResetFlowClient.startTabs(100, i -> new ResetFlowClient(keycloak));
            assertThat(ResetFlowClient.submitAccountAtOnce(tabs, e.national()))
                    .allSatisfy(page -> assertThat(page.body()).contains("ocq-sms-code-form"));
            assertThat(Sms.countAfter(setup.gateway(), e.phone(), CODE, SETTLE)).isEqualTo(1);
        }
    }

    @Nested
    class Aftermath {

        @Test
        void givenAnEnrolledAuthenticatorAppThenItsCodeIsStillRequiredBeforeTheNewPassword(KeycloakRuntime keycloak,
                ServerSetup setup) {
            Totp app = new Totp("ocq-totp-" + UUID.randomUUID());
            Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM), u -> u.getCredentials().add(app.credential()));
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.phone());
            HttpResponse<String> otpPage = tab.submitCode(Sms.code(Sms.await(setup.gateway(), e.phone(), CODE, 1)));
            assertThat(otpPage.body()).contains("kc-otp-login-form").doesNotContain("ocq-new-password-form");

            HttpResponse<String> skipped = tab.postTo(tab.last().uri().resolve(tab.action("kc-otp-login-form")),
                    Map.of("password-new", "Skipped-otp-2026!", "password-confirm", "Skipped-otp-2026!"));
            assertThat(skipped.body()).as("new-password fields posted to the OTP step").doesNotContain("密码已重置")
                    .doesNotContain("ocq-new-password-form");
            String right = app.nextCode();
            assertThat(tab.submitOtp("000000".equals(right) ? "111111" : "000000").body())
                    .doesNotContain("ocq-new-password-form");

            assertThat(tab.submitOtp(right).body()).contains("ocq-new-password-form");
            assertThat(tab.submitNewPassword("After-otp-pass-2026!").body()).contains("密码已重置");
        }

        @Test
        void givenARedirectUriOfAnotherSiteThenKeycloakRefusesItAndNoFlowStarts(KeycloakRuntime keycloak) {
            String tampered = OcqWebApp.signInUrl(keycloak).replace(
                    URLEncoder.encode("http://127.0.0.1:9/callback", StandardCharsets.UTF_8),
                    URLEncoder.encode("https://evil.example/callback", StandardCharsets.UTF_8));
            ResetFlowClient tab = new ResetFlowClient(keycloak);
            HttpResponse<String> page = tab.get(URI.create(tampered));
            assertThat(page.statusCode()).isEqualTo(400);
            assertThat(page.uri().getHost()).isEqualTo("127.0.0.1");
            assertThat(page.body()).contains("redirect_uri").doesNotContain("reset-credentials").doesNotContain("evil.example/callback\"");
        }
    }
}
