package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ocq.keycloak.it.support.AdminApi;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.ResetFlowClient;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;
import com.ocq.keycloak.sms.testing.FakeGateway;

/**
 * 激活/重置登录帐号 through {@code POST /admin/realms/ocq/ocq/users/{id}/reset-account}, called by a
 * 系统管理员 of the realm (zhanglonghui) the way curl would. Targets are fresh employees, never the
 * demo ones other tests sign in as.
 */
@ExtendWith(KeycloakExtension.class)
class AdminResetAccountIT {

    private static final String ADMIN = "zhanglonghui";

    private KeycloakRuntime keycloak;
    private AdminApi api;
    private RealmResource realm;
    private String adminToken;

    @BeforeEach
    void connect(KeycloakRuntime keycloak) {
        this.keycloak = keycloak;
        this.api = new AdminApi(keycloak);
        this.realm = keycloak.admin().realm(ItConfig.REALM);
        this.adminToken = api.token(ADMIN, ItConfig.DEMO_PASSWORD);
    }

    @AfterEach
    void gatewayAnswersOkAgain(ServerSetup setup) {
        setup.gateway().answer(FakeGateway.Answer.json(200, "{\"messageId\":\"gw-1\"}"));
    }

    private static Map<String, Object> body(String loginMethods, boolean sendSms) {
        return Map.of("loginMethods", loginMethods, "sendSms", sendSms);
    }

    /** Signs in once at the token endpoint: a user session with a refresh token. */
    private String signedInRefreshToken(Employee employee) {
        HttpResponse<String> response = api.passwordGrant(employee.username(), employee.password());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return AdminApi.json(response).path("refresh_token").asText();
    }

    /** Wrong passwords until brute-force detection locks the account. */
    private void lockOut(Employee employee) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!Boolean.TRUE.equals(realm.attackDetection().bruteForceUserStatus(employee.id()).get("disabled"))) {
            assertThat(Instant.now()).as("locked out by brute-force detection").isBefore(deadline);
            api.passwordGrant(employee.username(), "wrong-" + employee.password());
        }
    }

    private List<AdminEventRepresentation> resetEvents(String userId) {
        return realm.getAdminEvents(List.of("ACTION"), null, null, null, null, "*" + userId + "*", null, null, 0, 100).stream()
                .filter(e -> e.getResourcePath() != null && e.getResourcePath().endsWith("users/" + userId + "/reset-account"))
                .toList();
    }

    private static void assertMeetsTheRealmPolicy(String password, Employee employee) {
        assertThat(password).hasSizeGreaterThanOrEqualTo(12).hasSizeLessThanOrEqualTo(64)
                .containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]")
                .doesNotContain(employee.username()).isNotEqualTo(employee.password());
    }

    @Test
    void anAdministratorResetsALockedDisabledSignedInEmployeeInOneStep(ServerSetup setup) {
        Employee employee = Employees.create(realm);
        UserResource user = realm.users().get(employee.id());
        String refreshToken = signedInRefreshToken(employee);
        lockOut(employee);
        UserRepresentation disabled = user.toRepresentation();
        disabled.setEnabled(false);
        user.update(disabled);
        assertThat(user.getUserSessions()).isNotEmpty();

        HttpResponse<String> response = api.resetAccount(adminToken, employee.id(), body("all", true));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().allValues("Cache-Control")).anyMatch(v -> v.contains("no-store"));
        JsonNode answer = AdminApi.json(response);
        String password = answer.path("password").asText();
        assertMeetsTheRealmPolicy(password, employee);
        assertThat(answer.path("temporary").asBoolean()).isTrue();
        assertThat(answer.path("lockoutCleared").asBoolean()).isTrue();
        assertThat(answer.path("sessionsEnded").asInt()).isEqualTo(1);
        assertThat(answer.path("sms").path("sent").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.path("sms").path("phoneNumber").asText()).isEqualTo("137****" + employee.phone().substring(10));

        UserRepresentation after = user.toRepresentation();
        assertThat(after.isEnabled()).isTrue();
        assertThat(after.getRequiredActions()).containsExactly("UPDATE_PASSWORD");
        assertThat(after.getAttributes().get("loginMethods")).containsExactly("all");
        assertThat(realm.attackDetection().bruteForceUserStatus(employee.id())).containsEntry("disabled", false)
                .containsEntry("numFailures", 0);
        assertThat(user.getUserSessions()).as("sessions ended").isEmpty();
        assertThat(api.refresh(refreshToken).statusCode()).as("the old refresh token is dead").isEqualTo(400);
        HttpResponse<String> oldPassword = api.passwordGrant(employee.username(), employee.password());
        assertThat(oldPassword.statusCode()).as("the old password is gone").isIn(400, 401);
        assertThat(AdminApi.json(oldPassword).path("error").asText()).isEqualTo("invalid_grant");

        JsonNode sms = Sms.await(setup.gateway(), employee.phone(), "initial_password", 1);
        assertThat(sms.path("parameters").path("password").asText()).isEqualTo(password);
        assertThat(sms.path("text").asText()).contains(password)
                .doesNotContain(after.getFirstName(), after.getLastName(), employee.username());

        List<AdminEventRepresentation> events = resetEvents(employee.id());
        assertThat(events).hasSize(1);
        AdminEventRepresentation event = events.get(0);
        assertThat(event.getResourceType()).isEqualTo("USER");
        assertThat(event.getOperationType()).isEqualTo("ACTION");
        assertThat(event.getAuthDetails().getUserId()).isEqualTo(realm.users().searchByUsername(ADMIN, true).get(0).getId());
        assertThat(event.getRepresentation()).contains("\"loginMethods\":\"all\"", "\"sessionsEnded\":1").doesNotContain(password);
        assertThat(keycloak.log()).as("the password is never logged").doesNotContain(password);

        ResetFlowClient browser = new ResetFlowClient(keycloak);
        browser.openSignIn();
        HttpResponse<String> signIn = browser.signIn(employee.username(), password);
        assertThat(signIn.body()).as("the initial password is temporary: UPDATE_PASSWORD comes first")
                .contains("name=\"password-new\"").doesNotContain("ocq-app");
    }

    @Test
    void theChosenLoginMethodIsStoredAndTheSmsOnlyGoesWhenAsked(ServerSetup setup) {
        Employee employee = Employees.create(realm);
        int before = Sms.to(setup.gateway(), employee.phone(), "initial_password").size();

        HttpResponse<String> response = api.resetAccount(adminToken, employee.id(), body("phone", false));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(AdminApi.json(response).path("sms").path("requested").asBoolean()).isFalse();
        assertThat(realm.users().get(employee.id()).toRepresentation().getAttributes().get("loginMethods")).containsExactly("phone");
        assertThat(resetEvents(employee.id()).get(0).getRepresentation()).contains("\"sendSms\":false");
        assertThat(Sms.to(setup.gateway(), employee.phone(), "initial_password")).hasSize(before);
    }

    @Test
    void twoResetsGiveTwoDifferentPasswordsAndOnlyTheLastOneWorks() {
        Employee employee = Employees.create(realm);
        String first = AdminApi.json(api.resetAccount(adminToken, employee.id(), body("all", false))).path("password").asText();
        String second = AdminApi.json(api.resetAccount(adminToken, employee.id(), body("all", false))).path("password").asText();

        assertThat(second).isNotEqualTo(first);
        assertThat(signIn(employee.username(), first).body()).as("the first password is a wrong password now")
                .contains("kc-form-login").contains("无效的用户名或密码。").doesNotContain("name=\"password-new\"");
        assertThat(signIn(employee.username(), second).body()).contains("name=\"password-new\"");
    }

    @Test
    void whenTheGatewayRefusesTheSmsTheResetStillHoldsAndTheAdminIsTold(ServerSetup setup) {
        setup.gateway().answer(FakeGateway.Answer.json(400, "{\"error\":{\"code\":\"INVALID_NUMBER\",\"permanent\":true}}"));
        Employee employee = Employees.create(realm);

        HttpResponse<String> response = api.resetAccount(adminToken, employee.id(), body("all", true));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = AdminApi.json(response);
        assertThat(answer.path("sms").path("sent").asBoolean()).isFalse();
        assertThat(answer.path("sms").path("reason").asText()).isEqualTo("send_failed");
        assertThat(answer.path("sms").path("permanent").asBoolean()).isTrue();
        String password = answer.path("password").asText();
        assertThat(signIn(employee.username(), password).body()).contains("name=\"password-new\"");
        assertThat(keycloak.log()).doesNotContain(password);
    }

    @Test
    void anEmployeeWithoutANumberIsResetButGetsNoSms() {
        Employee employee = Employees.create(realm);
        UserResource user = realm.users().get(employee.id());
        UserRepresentation rep = user.toRepresentation();
        Map<String, List<String>> attributes = new HashMap<>(rep.getAttributes());
        attributes.remove("phoneNumber");
        rep.setAttributes(attributes);
        user.update(rep);

        HttpResponse<String> response = api.resetAccount(adminToken, employee.id(), body("all", true));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode sms = AdminApi.json(response).path("sms");
        assertThat(sms.path("sent").asBoolean()).isFalse();
        assertThat(sms.path("reason").asText()).isEqualTo("no_phone_number");
        assertThat(user.toRepresentation().getRequiredActions()).containsExactly("UPDATE_PASSWORD");
    }

    @Test
    void underAStricterPolicyTheGeneratedPasswordMeetsIt() {
        String before = realm.toRepresentation().getPasswordPolicy();
        RealmRepresentation strict = new RealmRepresentation();
        strict.setPasswordPolicy("length(16) and maxLength(64) and digits(3) and upperCase(2) and lowerCase(2) and specialChars(2)"
                + " and notUsername(undefined) and passwordHistory(3)");
        Employee employee = Employees.create(realm);
        realm.update(strict);
        try {
            HttpResponse<String> response = api.resetAccount(adminToken, employee.id(), body("all", false));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String password = AdminApi.json(response).path("password").asText();
            assertThat(password).hasSize(16);
            assertThat(password.chars().filter(Character::isDigit).count()).isGreaterThanOrEqualTo(3);
            assertThat(password.chars().filter(Character::isUpperCase).count()).isGreaterThanOrEqualTo(2);
            assertThat(password.chars().filter(Character::isLowerCase).count()).isGreaterThanOrEqualTo(2);
            assertThat(password.chars().filter(c -> !Character.isLetterOrDigit(c)).count()).isGreaterThanOrEqualTo(2);
            assertThat(signIn(employee.username(), password).body()).contains("name=\"password-new\"");
        } finally {
            RealmRepresentation restore = new RealmRepresentation();
            restore.setPasswordPolicy(before);
            realm.update(restore);
        }
    }

    /** The README's kcadm.sh commands, run with the distribution's own kcadm.sh against the server. */
    @Test
    void kcadmResetsAnAccountAsTheReadmeShows(@TempDir Path dir, ServerSetup setup) throws Exception {
        Employee employee = Employees.create(realm);
        String kcadm = ItConfig.keycloakHome().resolve("bin/kcadm.sh").toString();
        String config = dir.resolve("kcadm.config").toString();
        run(kcadm, "config", "credentials", "--config", config, "--server", keycloak.baseUrl(), "--realm", ItConfig.REALM,
                "--user", ADMIN, "--password", ItConfig.DEMO_PASSWORD);

        String out = run(kcadm, "create", "ocq/users/" + employee.id() + "/reset-account", "-r", ItConfig.REALM,
                "-s", "loginMethods=phone", "-s", "sendSms=true", "-o", "--config", config);

        JsonNode answer = new ObjectMapper().readTree(out);
        String password = answer.path("password").asText();
        assertMeetsTheRealmPolicy(password, employee);
        assertThat(answer.path("loginMethods").asText()).isEqualTo("phone");
        assertThat(answer.path("sms").path("sent").asBoolean()).isTrue();
        assertThat(Sms.await(setup.gateway(), employee.phone(), "initial_password", 1).path("parameters").path("password").asText())
                .isEqualTo(password);
        UserRepresentation after = realm.users().get(employee.id()).toRepresentation();
        assertThat(after.getAttributes().get("loginMethods")).containsExactly("phone");
        assertThat(after.getRequiredActions()).containsExactly("UPDATE_PASSWORD");
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    @Nested
    class NothingChanges {

        private Employee employee;

        @BeforeEach
        void target() {
            employee = Employees.create(realm);
        }

        private void assertUnchanged() {
            UserRepresentation rep = realm.users().get(employee.id()).toRepresentation();
            assertThat(rep.getRequiredActions()).isEmpty();
            assertThat(rep.getAttributes().get("loginMethods")).containsExactly("all");
            assertThat(api.passwordGrant(employee.username(), employee.password()).statusCode()).as("the old password still works")
                    .isEqualTo(200);
            assertThat(resetEvents(employee.id())).isEmpty();
        }

        private void assertBadRequest(Object body, String descriptionPart) {
            HttpResponse<String> response = api.resetAccount(adminToken, employee.id(), body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(AdminApi.json(response).path("error_description").asText()).contains(descriptionPart);
            assertUnchanged();
        }

        @Test
        void givenAnUnknownLoginMethodThen400() {
            assertBadRequest(Map.of("loginMethods", "sms"), "phone, email, all");
        }

        @Test
        void givenAnUnknownFieldThen400() {
            assertBadRequest(Map.of("loginMethods", "all", "password", "Chosen-by-admin-1"), "Unknown field 'password'");
        }

        @Test
        void givenNoLoginMethodOrNoBodyThen400() {
            assertBadRequest("{}", "loginMethods");
            assertBadRequest("", "loginMethods");
        }

        @Test
        void givenEmailOnlyForAnEmployeeWithoutEmailThen400() {
            HttpResponse<String> response = api.resetAccount(adminToken, employee.id(), body("email", false));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(AdminApi.json(response).path("error").asText()).isEqualTo("no_email");
            assertUnchanged();
        }

        @Test
        void givenAnUnknownUserThen404() {
            HttpResponse<String> response = api.resetAccount(adminToken, "00000000-0000-0000-0000-000000000000", body("all", false));
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(AdminApi.json(response).path("error").asText()).isEqualTo("user_not_found");
        }

        @Test
        void givenAnEmployeeWithoutAdminRightsThen403() {
            Employee caller = Employees.create(realm);
            String token = api.token(caller.username(), caller.password());
            assertThat(api.resetAccount(token, employee.id(), body("all", true)).statusCode()).isEqualTo(403);
            assertThat(api.resetAccount(token, "00000000-0000-0000-0000-000000000000", body("all", true)).statusCode())
                    .as("nor can such a caller probe which ids exist").isEqualTo(403);
            assertThat(api.employees(token, "").statusCode()).isEqualTo(403);
            assertUnchanged();
        }
    }

    private HttpResponse<String> signIn(String account, String password) {
        ResetFlowClient tab = new ResetFlowClient(keycloak);
        tab.openSignIn();
        return tab.signIn(account, password);
    }
}
