package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.ResetFlowClient;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;
import com.ocq.keycloak.it.support.Totp;

/** The OCQ sign-in form (flow "ocq browser") at the HTTP level against the live server. */
@ExtendWith(KeycloakExtension.class)
class SignInIT {

    private static final String WRONG_PASSWORD_MESSAGE = "无效的用户名或密码。";
    private static final String STALE_LOGIN_MESSAGE = "密码已被重置，请重新登录。";

    /** The ways an employee types the account. */
    enum Typed {
        NATIONAL(Employee::national),
        PLUS_86_WITH_DASHES(e -> "+86 " + e.national().substring(0, 3) + "-" + e.national().substring(3, 7) + "-" + e.national().substring(7)),
        ZERO_ZERO_86(e -> "0086 " + e.national()),
        FULL_WIDTH(e -> e.national().chars().mapToObj(c -> String.valueOf((char) (c - '0' + '０'))).reduce("", String::concat)),
        USERNAME(Employee::username),
        EMAIL(SignInIT::email);

        private final Function<Employee, String> form;

        Typed(Function<Employee, String> form) {
            this.form = form;
        }

        String of(Employee e) {
            return form.apply(e);
        }
    }

    static String email(Employee e) {
        return e.username() + "@it.ocq.example";
    }

    /** A fresh employee with an email, allowed to sign in as {@code loginMethods} says. */
    static Employee employee(KeycloakRuntime keycloak, String loginMethods) {
        return Employees.create(realm(keycloak), user -> {
            user.setEmail(user.getUsername() + "@it.ocq.example");
            user.getAttributes().put("loginMethods", List.of(loginMethods));
        });
    }

    static RealmResource realm(KeycloakRuntime keycloak) {
        return keycloak.admin().realm(ItConfig.REALM);
    }

    static HttpResponse<String> signIn(KeycloakRuntime keycloak, String account, String password) {
        ResetFlowClient tab = new ResetFlowClient(keycloak);
        tab.openSignIn();
        return tab.signIn(account, password);
    }

    @Nested
    class Identifiers {

        @ParameterizedTest(name = "loginMethods={0}, typed as {1}: allowed={2}")
        @CsvSource({
            "phone, NATIONAL, true", "phone, PLUS_86_WITH_DASHES, true", "phone, ZERO_ZERO_86, true", "phone, FULL_WIDTH, true",
            "phone, USERNAME, false", "phone, EMAIL, false",
            "email, NATIONAL, false", "email, PLUS_86_WITH_DASHES, false", "email, ZERO_ZERO_86, false", "email, FULL_WIDTH, false",
            "email, USERNAME, false", "email, EMAIL, true",
            "all, NATIONAL, true", "all, PLUS_86_WITH_DASHES, true", "all, ZERO_ZERO_86, true", "all, FULL_WIDTH, true",
            "all, USERNAME, true", "all, EMAIL, true"})
        void givenTheRightPasswordThenAnAllowedIdentifierSignsInAndAnotherAnswersLikeAWrongPassword(String loginMethods, Typed typed,
                boolean allowed, KeycloakRuntime keycloak) {
            Employee e = employee(keycloak, loginMethods);
            ResetFlowClient tab = new ResetFlowClient(keycloak);
            tab.openSignIn();
            HttpResponse<String> answer = tab.signIn(typed.of(e), e.password());

            if (allowed) {
                assertThat(tab.reachedApp()).as("back at the app with a code").isTrue();
                JsonNode idToken = tab.app().exchange(tab.app().awaitCode(Duration.ofSeconds(10)));
                assertThat(idToken.path("preferred_username").asText()).isEqualTo(e.username());
                return;
            }
            // The same identifier form of another employee (who may use it), with a wrong password.
            Employee other = employee(keycloak, "all");
            HttpResponse<String> wrongPassword = signIn(keycloak, typed.of(other), "Not-" + other.password());
            assertThat(answer.body()).contains("kc-form-login").contains(WRONG_PASSWORD_MESSAGE);
            assertThat(answer.statusCode()).isEqualTo(wrongPassword.statusCode());
            assertThat(answer.headers().map().keySet()).isEqualTo(wrongPassword.headers().map().keySet());
            assertThat(ResetFlowClient.comparable(answer.body(), typed.of(e)))
                    .isEqualTo(ResetFlowClient.comparable(wrongPassword.body(), typed.of(other)));
            assertThat(realm(keycloak).users().get(e.id()).getUserSessions()).isEmpty();
        }

        @Test
        void givenTheSignInPageThenTheAccountFieldTakesANumberAUsernameOrAnEmailAndForgotPasswordStays(KeycloakRuntime keycloak) {
            ResetFlowClient tab = new ResetFlowClient(keycloak);
            String page = tab.openSignIn().body();
            assertThat(page).contains("手机号/用户名/邮箱").contains("忘记密码").contains("login-actions/reset-credentials");
        }

        @Test
        void givenAnUnknownNumberThenTheAnswerIsTheWrongPasswordPage(KeycloakRuntime keycloak) {
            Employee e = employee(keycloak, "all");
            HttpResponse<String> unknown = signIn(keycloak, "13511112222", "Whatever-2026");
            HttpResponse<String> wrongPassword = signIn(keycloak, e.national(), "Not-" + e.password());
            assertThat(unknown.statusCode()).isEqualTo(wrongPassword.statusCode());
            assertThat(ResetFlowClient.comparable(unknown.body(), "13511112222"))
                    .isEqualTo(ResetFlowClient.comparable(wrongPassword.body(), e.national()));
        }

        @Test
        void givenANumberThenEventsShowItMasked(KeycloakRuntime keycloak) {
            Employee e = employee(keycloak, "all");
            signIn(keycloak, e.national(), "Not-" + e.password());
            String masked = e.national().substring(0, 3) + "****" + e.national().substring(7);
            var events = realm(keycloak).getEvents(List.of("LOGIN_ERROR"), null, e.id(), null, null, null, 0, 10);
            assertThat(events).isNotEmpty();
            assertThat(events).allSatisfy(ev -> assertThat(String.valueOf(ev.getDetails())).doesNotContain(e.national()));
            assertThat(events.get(0).getDetails()).containsEntry("username", masked);
        }
    }

    @Nested
    class BruteForce {

        @Test
        void givenFailuresThroughEveryIdentifierThenEachCountsOnceAndTheLockoutHoldsForAll(KeycloakRuntime keycloak) {
            RealmResource realm = realm(keycloak);
            RealmRepresentation before = realm.toRepresentation();
            RealmRepresentation lowered = new RealmRepresentation();
            lowered.setFailureFactor(4);
            lowered.setQuickLoginCheckMilliSeconds(1L); // one failure right after another is not a "quick login" here
            realm.update(lowered);
            Employee e = employee(keycloak, "phone");
            try {
                signIn(keycloak, e.national(), "Not-" + e.password());
                awaitFailures(realm, e, 1);
                signIn(keycloak, e.username(), e.password()); // right password, identifier not allowed
                awaitFailures(realm, e, 2);
                signIn(keycloak, email(e), e.password()); // likewise
                awaitFailures(realm, e, 3);
                HttpResponse<String> fourth = signIn(keycloak, Typed.PLUS_86_WITH_DASHES.of(e), "Not-" + e.password());
                awaitFailures(realm, e, 4);
                assertThat(realm.attackDetection().bruteForceUserStatus(e.id())).containsEntry("disabled", true);

                ResetFlowClient tab = new ResetFlowClient(keycloak);
                tab.openSignIn();
                HttpResponse<String> locked = tab.signIn(e.national(), e.password());
                assertThat(tab.reachedApp()).as("locked out, even with the right password and an allowed identifier").isFalse();
                assertThat(ResetFlowClient.comparable(locked.body(), e.national()))
                        .isEqualTo(ResetFlowClient.comparable(fourth.body(), Typed.PLUS_86_WITH_DASHES.of(e)));
            } finally {
                RealmRepresentation restore = new RealmRepresentation();
                restore.setFailureFactor(before.getFailureFactor());
                restore.setQuickLoginCheckMilliSeconds(before.getQuickLoginCheckMilliSeconds());
                realm.update(restore);
                realm.attackDetection().clearBruteForceForUser(e.id());
            }
        }

        /** Keycloak records failures off the request thread: wait until it counted {@code n}, never more. */
        private void awaitFailures(RealmResource realm, Employee e, int n) {
            Instant deadline = Instant.now().plusSeconds(10);
            int counted = -1;
            while (Instant.now().isBefore(deadline)) {
                counted = ((Number) realm.attackDetection().bruteForceUserStatus(e.id()).get("numFailures")).intValue();
                assertThat(counted).as("failures counted").isLessThanOrEqualTo(n);
                if (counted == n) {
                    return;
                }
                pause(100);
            }
            throw new AssertionError("Keycloak counted " + counted + " failures, expected " + n);
        }
    }

    @Nested
    class LastLoginTime {

        @Test
        void givenASignInThenItIsSetAndATokenRefreshLeavesItAlone(KeycloakRuntime keycloak) {
            Employee e = employee(keycloak, "all");
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ResetFlowClient tab = new ResetFlowClient(keycloak);
            tab.openSignIn();
            tab.signIn(e.national(), e.password());
            JsonNode tokens = tab.app().tokens(tab.app().awaitCode(Duration.ofSeconds(10)));
            String first = lastLoginTime(keycloak, e);
            assertThat(first).as("ISO-8601 with the zone's offset").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00");
            Instant signedIn = OffsetDateTime.parse(first).toInstant();
            assertThat(signedIn).isBetween(start, Instant.now());

            // A refresh in a later second would write a later time if it wrote at all.
            awaitSecondAfter(signedIn);
            JsonNode refreshed = tab.app().refresh(tokens.path("refresh_token").asText());
            assertThat(refreshed.path("access_token").asText()).isNotEmpty();
            assertThat(lastLoginTime(keycloak, e)).isEqualTo(first);

            ResetFlowClient again = new ResetFlowClient(keycloak);
            again.openSignIn();
            again.signIn(e.username(), e.password());
            assertThat(again.reachedApp()).isTrue();
            assertThat(OffsetDateTime.parse(lastLoginTime(keycloak, e)).toInstant()).isAfter(signedIn);
        }

        @Test
        void givenAFailedSignInThenNothingIsWritten(KeycloakRuntime keycloak) {
            Employee e = employee(keycloak, "all");
            signIn(keycloak, e.national(), "Not-" + e.password());
            assertThat(realm(keycloak).users().get(e.id()).toRepresentation().getAttributes()).doesNotContainKey("lastLoginTime");
        }

        @Test
        void givenTheRealmThenTheListenerIsEnabledWithKeycloaksOwn(KeycloakRuntime keycloak) {
            assertThat(realm(keycloak).toRepresentation().getEventsListeners()).contains("jboss-logging", "ocq-last-login");
        }

        private String lastLoginTime(KeycloakRuntime keycloak, Employee e) {
            return realm(keycloak).users().get(e.id()).toRepresentation().firstAttribute("lastLoginTime");
        }

        private void awaitSecondAfter(Instant instant) {
            while (!Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(instant)) {
                pause(50);
            }
        }
    }

    /** SECURITY.md rule 13: a login in progress when the password is reset cannot complete. */
    @Nested
    class LoginsInProgressDuringAReset {

        @Test
        void givenAResetWhileTheLoginWaitsForOtpThenTheLoginFailsAndNoSessionExists(KeycloakRuntime keycloak, ServerSetup setup) {
            Totp app = new Totp("ocq-it-otp-" + System.nanoTime());
            Employee e = Employees.create(realm(keycloak), user -> user.getCredentials().add(app.credential()));
            ResetFlowClient login = new ResetFlowClient(keycloak);
            login.openSignIn();
            assertThat(login.signIn(e.national(), e.password()).body()).contains("kc-otp-login-form");

            String newPassword = resetBySms(keycloak, setup, e, app);

            HttpResponse<String> answer = login.submitOtp(app.nextCode());
            assertThat(text(answer)).contains(STALE_LOGIN_MESSAGE).doesNotContain("kc-otp-login-form");
            assertThat(login.reachedApp()).isFalse();
            assertThat(text(login.reload())).as("and it stays failed").contains(STALE_LOGIN_MESSAGE);
            assertThat(realm(keycloak).users().get(e.id()).getUserSessions()).isEmpty();

            // A new login with the new password is not affected.
            ResetFlowClient fresh = new ResetFlowClient(keycloak);
            fresh.openSignIn();
            fresh.signIn(e.username(), newPassword);
            fresh.submitOtp(app.nextCode());
            assertThat(fresh.reachedApp()).isTrue();
        }

        @Test
        void givenAResetWhileTheLoginChangesATemporaryPasswordThenTheLoginFailsAndNoSessionExists(KeycloakRuntime keycloak,
                ServerSetup setup) {
            Employee e = Employees.create(realm(keycloak), user -> user.getCredentials().get(0).setTemporary(true));
            ResetFlowClient login = new ResetFlowClient(keycloak);
            login.openSignIn();
            assertThat(login.signIn(e.national(), e.password()).body()).contains("kc-passwd-update-form");

            String resetPassword = resetBySms(keycloak, setup, e, null);

            // Keycloak posts a form already on screen straight to its action: the OCQ UPDATE_PASSWORD
            // action asks PasswordResets.isStale before it writes anything.
            HttpResponse<String> answer = login.post("kc-passwd-update-form",
                    Map.of("password-new", "Stale-login-pass-2026", "password-confirm", "Stale-login-pass-2026"));
            assertThat(text(answer)).contains(STALE_LOGIN_MESSAGE);
            assertThat(login.reachedApp()).isFalse();
            assertThat(realm(keycloak).users().get(e.id()).getUserSessions()).isEmpty();

            ResetFlowClient fresh = new ResetFlowClient(keycloak);
            fresh.openSignIn();
            fresh.signIn(e.username(), resetPassword);
            assertThat(fresh.reachedApp()).as("the password the reset set still stands").isTrue();
        }

        @Test
        void givenATemporaryPasswordChangedInTheSameLoginThenTheLoginCompletes(KeycloakRuntime keycloak) {
            Employee e = Employees.create(realm(keycloak), user -> user.getCredentials().get(0).setTemporary(true));
            ResetFlowClient login = new ResetFlowClient(keycloak);
            login.openSignIn();
            assertThat(login.signIn(e.national(), e.password()).body()).contains("kc-passwd-update-form");
            login.post("kc-passwd-update-form", Map.of("password-new", "Own-new-pass-2026", "password-confirm", "Own-new-pass-2026"));
            assertThat(login.reachedApp()).isTrue();
            assertThat(realm(keycloak).users().get(e.id()).getUserSessions()).hasSize(1);
        }

        @Test
        void givenTheRealmThenTheCheckIsEnabledAndRunsFirst(KeycloakRuntime keycloak) {
            List<RequiredActionProviderRepresentation> actions = realm(keycloak).flows().getRequiredActions();
            RequiredActionProviderRepresentation stale = actions.stream().filter(a -> a.getAlias().equals("ocq-stale-login"))
                    .findFirst().orElseThrow();
            assertThat(stale.isEnabled()).isTrue();
            assertThat(actions).filteredOn(RequiredActionProviderRepresentation::isEnabled)
                    .allSatisfy(a -> assertThat(a.getPriority()).isGreaterThanOrEqualTo(stale.getPriority()));
            assertThat(actions).extracting(RequiredActionProviderRepresentation::getAlias)
                    .as("Keycloak's own actions are still there").contains("UPDATE_PASSWORD", "CONFIGURE_TOTP", "VERIFY_PROFILE");
            assertThat(realm(keycloak).toRepresentation().getBrowserFlow()).isEqualTo("ocq browser");
        }

        /** 忘记密码 in another tab, through to the new password; returns it. */
        private String resetBySms(KeycloakRuntime keycloak, ServerSetup setup, Employee e, Totp otp) {
            ResetFlowClient reset = new ResetFlowClient(keycloak).start();
            reset.submitAccount(e.username());
            HttpResponse<String> next = reset.submitCode(Sms.code(Sms.await(setup.gateway(), e.phone(), "verification_code", 1)));
            if (otp != null) {
                assertThat(next.body()).contains("kc-otp-login-form");
                reset.submitOtp(otp.nextCode());
            }
            String newPassword = "Reset-pass-" + e.username() + "-2026";
            assertThat(reset.submitNewPassword(newPassword).body()).contains("密码已重置");
            return newPassword;
        }
    }

    /** The page with numeric character references (Keycloak writes some punctuation so) as characters. */
    static String text(HttpResponse<String> page) {
        return java.util.regex.Pattern.compile("&#x([0-9a-fA-F]+);").matcher(page.body())
                .replaceAll(m -> new String(Character.toChars(Integer.parseInt(m.group(1), 16))));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
