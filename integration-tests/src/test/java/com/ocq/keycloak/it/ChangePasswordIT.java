package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionConfigRepresentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.it.support.ChangePasswordTab;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.Eventually;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;

/**
 * 修改密码 at the HTTP level against the live server: the OCQ app's kc_action=UPDATE_PASSWORD with
 * the current password, and the forced change after an initial (temporary) password without it.
 */
@ExtendWith(KeycloakExtension.class)
class ChangePasswordIT {

    private static final String NEW_PASSWORD = "换个-新密码-2026-春";

    private static RealmResource realm(KeycloakRuntime keycloak) {
        return keycloak.admin().realm(ItConfig.REALM);
    }

    /** Signs the employee in through the app and follows the app's 修改密码 link. */
    private static ChangePasswordTab atTheForm(KeycloakRuntime keycloak, Employee e) {
        ChangePasswordTab tab = new ChangePasswordTab(keycloak);
        tab.signIn(e.username(), e.password());
        assertThat(tab.backAtTheApp()).as("signed in").isTrue();
        HttpResponse<String> form = tab.openChangePassword();
        assertThat(form.body()).contains(ChangePasswordTab.FORM);
        return tab;
    }


    private static long passwordCreated(KeycloakRuntime keycloak, Employee e) {
        return realm(keycloak).users().get(e.id()).credentials().stream()
                .filter(c -> CredentialRepresentation.PASSWORD.equals(c.getType())).findFirst().orElseThrow().getCreatedDate();
    }

    private static int failures(KeycloakRuntime keycloak, Employee e) {
        return ((Number) realm(keycloak).attackDetection().bruteForceUserStatus(e.id()).get("numFailures")).intValue();
    }

    private static List<EventRepresentation> events(KeycloakRuntime keycloak, Employee e, String type, int atLeast) {
        return Eventually.until(() -> realm(keycloak).getEvents(List.of(type), null, e.id(), null, null, null, 0, 50),
                list -> list.size() >= atLeast, atLeast + " " + type + " event(s) of " + e.username());
    }

    @Nested
    class TheForm {

        @Test
        void givenTheAppsLinkThenTheFormAsksForTheCurrentPasswordWithTheRightAutocomplete(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                String page = tab.last().body();
                assertThat(page).contains("lang=\"zh-CN\"")
                        .contains("修改密码").contains("原密码").contains("新密码").contains("确认新密码").contains("修改")
                        .contains("退出其他设备上的登录").contains("name=\"cancel-aia\"");
                assertThat(page).containsPattern("id=\"password\" name=\"password\"[^>]*autocomplete=\"current-password\"")
                        .containsPattern("id=\"password-new\" name=\"password-new\"[^>]*autocomplete=\"new-password\"")
                        .containsPattern("id=\"password-confirm\" name=\"password-confirm\"[^>]*autocomplete=\"new-password\"")
                        .containsPattern("type=\"checkbox\"\\s+id=\"logout-sessions\"\\s+name=\"logout-sessions\"");
                // Keycloak's keycloak.v2 template itself puts an inline onchange on its language menu; our form has none.
                int start = page.indexOf("<form id=\"" + ChangePasswordTab.FORM);
                String form = page.substring(start, page.indexOf("</form>", start));
                assertThat(form).as("no inline event handlers in the form").doesNotContainPattern("(?i)\\son[a-z]+=");
                assertThat(page).as("the voluntary change carries no 'you must change' notice").doesNotContain("您需要");
            }
        }

        @Test
        void givenEnglishThenTheSameFormSpeaksEnglish(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                String page = tab.switchLanguage("en").body();
                assertThat(page).contains("lang=\"en\"").contains("Change password").contains("Current password")
                        .contains("New password").contains("Confirm new password").contains("Sign out on other devices");
                assertThat(tab.change(e.password() + "x", NEW_PASSWORD).body()).contains("The current password is not right.");
            }
        }

        @Test
        void givenCancelThenTheAppHearsSoAndThePasswordStays(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            long created = passwordCreated(keycloak, e);
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                tab.cancel();
                assertThat(tab.redirect()).containsEntry("kc_action_status", "cancelled").containsKey("code");
            }
            assertThat(passwordCreated(keycloak, e)).isEqualTo(created);
        }
    }

    @Nested
    class CurrentPassword {

        @Test
        void givenAWrongCurrentPasswordThenItIsRefusedCountedAndRecorded(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            long created = passwordCreated(keycloak, e);
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                HttpResponse<String> page = tab.change(e.password() + "x", NEW_PASSWORD);
                assertThat(page.body()).contains("原密码错误。").contains(ChangePasswordTab.FORM);
                assertThat(Eventually.until(() -> failures(keycloak, e), n -> n >= 1, "the failure counted")).isEqualTo(1);

                EventRepresentation event = events(keycloak, e, "UPDATE_PASSWORD_ERROR", 1).get(0);
                assertThat(event.getError()).isEqualTo("invalid_user_credentials");
                assertThat(events(keycloak, e, "UPDATE_CREDENTIAL_ERROR", 1).get(0).getError()).isEqualTo("invalid_user_credentials");
                assertThat(event.toString() + event.getDetails()).doesNotContain(e.password()).doesNotContain(NEW_PASSWORD);
            }
            assertThat(passwordCreated(keycloak, e)).isEqualTo(created);
            assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), NEW_PASSWORD)).isFalse();
        }

        @Test
        void givenAPostWithoutTheCurrentPasswordThenTheServerStillAsksForIt(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            long created = passwordCreated(keycloak, e);
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                assertThat(tab.change(null, NEW_PASSWORD).body()).contains("请输入原密码。");
            }
            assertThat(passwordCreated(keycloak, e)).isEqualTo(created);
        }

        @Test
        void givenWrongCurrentPasswordsUpToTheFailureFactorThenTheAccountLocksAndTheRightOneNoLongerHelps(KeycloakRuntime keycloak) {
            RealmResource realm = realm(keycloak);
            RealmRepresentation before = realm.toRepresentation();
            RealmRepresentation lowered = realm.toRepresentation();
            lowered.setFailureFactor(3);
            // Quick successive failures lock at once on their own; this test shows the count.
            lowered.setQuickLoginCheckMilliSeconds(0L);
            realm.update(lowered);
            Employee e = Employees.create(realm);
            long created = passwordCreated(keycloak, e);
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                for (int i = 1; i <= 3; i++) {
                    assertThat(tab.change("wrong-guess-" + i, NEW_PASSWORD).body()).as("guess " + i).contains("原密码错误。");
                    int n = i;
                    Eventually.until(() -> failures(keycloak, e), count -> count >= n, n + " failures counted");
                    assertThat(realm.attackDetection().bruteForceUserStatus(e.id()).get("disabled")).as("locked after " + i)
                            .isEqualTo(i == 3);
                }
                HttpResponse<String> locked = tab.change(e.password(), NEW_PASSWORD);
                assertThat(locked.body()).contains("错误次数过多，帐号已被暂时锁定，请稍后再试。").contains(ChangePasswordTab.FORM);
                assertThat(events(keycloak, e, "UPDATE_PASSWORD_ERROR", 4))
                        .anySatisfy(event -> assertThat(event.getError()).isEqualTo("user_temporarily_disabled"));
                assertThat(passwordCreated(keycloak, e)).as("nothing changed").isEqualTo(created);
                assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), e.password())).as("the same lock stops sign-in").isFalse();
            } finally {
                RealmRepresentation restore = realm.toRepresentation();
                restore.setFailureFactor(before.getFailureFactor());
                restore.setQuickLoginCheckMilliSeconds(before.getQuickLoginCheckMilliSeconds());
                realm.update(restore);
                realm.attackDetection().clearBruteForceForUser(e.id());
            }
            assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), e.password())).as("unlocked by the admin").isTrue();
        }
    }

    @Nested
    class Reauthentication {

        @Test
        void givenNoConfigThenTheActionOffersTheSessionsLifetimeWithoutAFieldDefault(KeycloakRuntime keycloak) {
            var description = realm(keycloak).flows().getRequiredActionConfigDescription(ChangePasswordTab.ACTION);
            assertThat(description.getProperties()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("max_auth_age");
                assertThat(p.getDefaultValue()).as("no 300 s default shown").isNull();
            });
        }

        @Test
        void givenAMaximumAgeOfZeroThenKeycloakAsksToSignInAgainBeforeTheForm(KeycloakRuntime keycloak) throws InterruptedException {
            RealmResource realm = realm(keycloak);
            RequiredActionConfigRepresentation config = new RequiredActionConfigRepresentation();
            config.setConfig(Map.of("max_auth_age", "0"));
            realm.flows().updateRequiredActionConfig(ChangePasswordTab.ACTION, config);
            Employee e = Employees.create(realm);
            try (ChangePasswordTab tab = new ChangePasswordTab(keycloak)) {
                tab.signIn(e.username(), e.password());
                // Keycloak compares whole seconds (auth time + age < now): let the sign-in's second pass.
                Thread.sleep(1_100);
                assertThat(tab.openChangePassword().body()).contains("kc-form-login").doesNotContain(ChangePasswordTab.FORM);
                assertThat(tab.submitSignIn(e.username(), e.password()).body()).as("then the form, still with 原密码")
                        .contains(ChangePasswordTab.FORM).contains("原密码");
                tab.change(e.password(), NEW_PASSWORD);
                assertThat(tab.redirect()).containsEntry("kc_action_status", "success");
            } finally {
                realm.flows().removeRequiredActionConfig(ChangePasswordTab.ACTION);
            }
            try (ChangePasswordTab tab = new ChangePasswordTab(keycloak)) {
                tab.signIn(e.username(), NEW_PASSWORD);
                assertThat(tab.openChangePassword().body()).as("config removed: no second sign-in").contains(ChangePasswordTab.FORM);
            }
        }

        @Test
        void givenABlankMaximumAgeThenTheConfigIsAccepted(KeycloakRuntime keycloak) {
            RealmResource realm = realm(keycloak);
            RequiredActionConfigRepresentation config = new RequiredActionConfigRepresentation();
            config.setConfig(Map.of("max_auth_age", ""));
            try {
                realm.flows().updateRequiredActionConfig(ChangePasswordTab.ACTION, config);
                config.setConfig(Map.of("max_auth_age", "-1"));
                assertThatThrownBy(() -> realm.flows().updateRequiredActionConfig(ChangePasswordTab.ACTION, config))
                        .isInstanceOf(jakarta.ws.rs.BadRequestException.class);
            } finally {
                realm.flows().removeRequiredActionConfig(ChangePasswordTab.ACTION);
            }
        }
    }

    @Nested
    class Policy {

        @Test
        void givenTheRightCurrentPasswordThenTheNewOneMustStillFollowTheRealmPolicy(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            long created = passwordCreated(keycloak, e);
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                assertThat(tab.change(e.password(), "Ab-12").body()).contains("无效的密码：最短长度 8");
                assertThat(tab.change(e.password(), e.username()).body()).contains("不能与用户名相同");
                assertThat(tab.change(e.password(), "password123").body()).contains("该密码已经被拉黑");
                assertThat(tab.change(e.password(), e.password()).body()).as("the current one is in the history")
                        .contains("不能与前 3 个旧密码相同");
                assertThat(tab.change(e.password(), NEW_PASSWORD, NEW_PASSWORD + "!", false).body())
                        .containsPattern("id=\"input-error-password-confirm\"[\\s\\S]*密码不匹配");
                assertThat(tab.change(e.password(), "").body()).contains("请输入密码");
                assertThat(tab.change(e.password(), "长".repeat(65)).body()).contains("最大长度 64");
                // Keycloak counts failures off the request thread, so a zero read now proves nothing: one
                // wrong current password last, and once it is counted the refusals above must not be.
                assertThat(tab.change(e.password() + "x", NEW_PASSWORD).body()).contains("原密码错误。");
            }
            assertThat(passwordCreated(keycloak, e)).as("nothing changed").isEqualTo(created);
            assertThat(Eventually.until(() -> failures(keycloak, e), n -> n >= 1, "the wrong current password counted"))
                    .as("the right current password is no failure").isEqualTo(1);
        }

        @Test
        void givenTwoChangesThenAnEarlierPasswordIsRefusedAsOneOfTheLastThree(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                tab.change(e.password(), NEW_PASSWORD);
                assertThat(tab.redirect()).containsEntry("kc_action_status", "success");
                HttpResponse<String> again = tab.openChangePassword();
                assertThat(again.body()).contains(ChangePasswordTab.FORM);
                assertThat(tab.change(NEW_PASSWORD, e.password()).body()).contains("不能与前 3 个旧密码相同");
            }
        }
    }

    @Nested
    class Success {

        @Test
        void givenTheRightCurrentPasswordThenTheNewOneWorksTheOldOneNotAndAnSmsSaysSo(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = Employees.create(realm(keycloak));
            try (ChangePasswordTab tab = atTheForm(keycloak, e)) {
                tab.change(e.password(), NEW_PASSWORD);
                Map<String, String> redirect = tab.redirect();
                assertThat(redirect).containsEntry("kc_action_status", "success").containsKey("code");
            }
            assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), NEW_PASSWORD)).isTrue();
            assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), e.password())).isFalse();

            JsonNode sms = Sms.await(setup.gateway(), e.phone(), "password_changed", 1);
            assertThat(sms.toString()).doesNotContain(NEW_PASSWORD).doesNotContain(e.password());
            assertThat(sms.path("parameters").size()).isZero();

            EventRepresentation updated = events(keycloak, e, "UPDATE_PASSWORD", 1).get(0);
            assertThat(updated.getDetails()).containsEntry("credential_type", "password").containsEntry("ocq_current_password", "verified");
            assertThat(events(keycloak, e, "UPDATE_CREDENTIAL", 1).get(0).getDetails()).containsEntry("credential_type", "password");
        }

        @Test
        void givenSignOutOtherDevicesThenOnlyThisSessionRemains(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            try (ChangePasswordTab other = new ChangePasswordTab(keycloak); ChangePasswordTab tab = atTheForm(keycloak, e)) {
                other.signIn(e.username(), e.password());
                assertThat(realm(keycloak).users().get(e.id()).getUserSessions()).hasSize(2);
                tab.change(e.password(), NEW_PASSWORD, NEW_PASSWORD, true);
                assertThat(tab.redirect()).containsEntry("kc_action_status", "success");
                assertThat(realm(keycloak).users().get(e.id()).getUserSessions()).hasSize(1);
                assertThat(other.openChangePassword().body()).as("the other device is signed out").contains("kc-form-login");
            }
        }

        @Test
        void givenTheBoxUntickedThenOtherSessionsStay(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak));
            try (ChangePasswordTab other = new ChangePasswordTab(keycloak); ChangePasswordTab tab = atTheForm(keycloak, e)) {
                other.signIn(e.username(), e.password());
                tab.change(e.password(), NEW_PASSWORD, NEW_PASSWORD, false);
                assertThat(tab.redirect()).containsEntry("kc_action_status", "success");
                assertThat(realm(keycloak).users().get(e.id()).getUserSessions()).hasSize(2);
            }
        }
    }

    @Nested
    class InitialPassword {

        private Employee withInitialPassword(KeycloakRuntime keycloak) {
            return Employees.withInitialPassword(realm(keycloak), Employees.create(realm(keycloak)));
        }

        @Test
        void givenAnInitialPasswordThenTheFirstSignInForcesTheChangeWithoutTheCurrentPassword(KeycloakRuntime keycloak, ServerSetup setup) {
            Employee e = withInitialPassword(keycloak);
            try (ChangePasswordTab tab = new ChangePasswordTab(keycloak)) {
                String page = tab.signIn(e.username(), e.password()).body();
                assertThat(page).contains(ChangePasswordTab.FORM).contains("修改密码").contains("新密码").contains("确认新密码")
                        .contains("您需要更新您的密码来激活您的账户。");
                assertThat(page).doesNotContain("原密码").doesNotContain("name=\"password\"").doesNotContain("cancel-aia");

                tab.change(null, NEW_PASSWORD);
                assertThat(tab.redirect()).containsKey("code");
            }
            assertThat(realm(keycloak).users().get(e.id()).toRepresentation().getRequiredActions()).isEmpty();
            assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), NEW_PASSWORD)).isTrue();
            Sms.await(setup.gateway(), e.phone(), "password_changed", 1);
            assertThat(events(keycloak, e, "UPDATE_PASSWORD", 1).get(0).getDetails()).containsEntry("ocq_current_password", "not_asked");
        }

        @Test
        void givenAnInitialPasswordAndTheAppsLinkThenTheChangeIsStillTheForcedOne(KeycloakRuntime keycloak) {
            Employee e = withInitialPassword(keycloak);
            try (ChangePasswordTab tab = new ChangePasswordTab(keycloak)) {
                tab.openChangePassword();
                String page = tab.submitSignIn(e.username(), e.password()).body();
                assertThat(page).contains(ChangePasswordTab.FORM).doesNotContain("原密码");
            }
        }

        @Test
        void givenAnInitialPasswordThenTheNewOneFollowsThePolicyToo(KeycloakRuntime keycloak) {
            Employee e = withInitialPassword(keycloak);
            try (ChangePasswordTab tab = new ChangePasswordTab(keycloak)) {
                tab.signIn(e.username(), e.password());
                assertThat(tab.change(null, "password123").body()).contains("该密码已经被拉黑");
                assertThat(tab.change(null, e.password()).body()).contains("不能与前 3 个旧密码相同");
            }
        }
    }
}
