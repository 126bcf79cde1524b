package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.EventRepresentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.Events;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.RealmSettings;
import com.ocq.keycloak.it.support.ResetFlowClient;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;
import com.ocq.keycloak.sms.testing.FakeGateway;
import com.ocq.keycloak.sms.testing.FakeGateway.Answer;

/**
 * The SMS gateway failing inside the 忘记密码 flow, and what employees type into their names never
 * reaching an SMS (SECURITY.md rules 18 and the "gateway faults" and "injection" cases).
 */
@ExtendWith(KeycloakExtension.class)
class ForgotPasswordFaultsIT {

    private static final String CODE = "verification_code";

    private FakeGateway gateway;
    private RealmResource realm;
    private Map<String, String> before;

    @AfterEach
    void healGateway() {
        if (gateway != null) {
            gateway.answer(Answer.json(200, "{}"));
        }
        if (before != null) {
            RealmSettings.restoreSmsConfig(realm, before);
        }
    }

    /** The gateway answers {@code fault} for messages to {@code phone} only; everyone else's SMS still goes out. */
    private void faultFor(ServerSetup setup, String phone, Answer fault) {
        gateway = setup.gateway();
        gateway.answer(r -> r.body().contains("\"" + phone + "\"") ? fault : Answer.json(200, "{}"));
    }

    private static String normalPage(KeycloakRuntime keycloak, ServerSetup setup) {
        Employee control = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        HttpResponse<String> page = new ResetFlowClient(keycloak).start().submitAccount(control.phone());
        Sms.await(setup.gateway(), control.phone(), CODE, 1);
        return ResetFlowClient.comparable(page.body(), control.phone()).replaceAll("\\d{3}\\*{4}\\d{4}", "M");
    }

    @Test
    void givenTheFirstGatewayFailsThenTheNextConfiguredSenderDeliversTheCode(KeycloakRuntime keycloak, ServerSetup setup) {
        Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        faultFor(setup, e.phone(), Answer.json(503, "{\"error\":{\"code\":\"MAINTENANCE\"}}"));
        HttpResponse<String> page = new ResetFlowClient(keycloak).start().submitAccount(e.phone());
        assertThat(page.body()).contains("ocq-sms-code-form");
        Sms.await(setup.gateway(), e.phone(), CODE, 1);
        String masked = ForgotPasswordLimitsIT.mask(e.phone());
        awaitLog(keycloak, "[DEV SMS] to " + masked + " (VERIFICATION_CODE)");
        assertThat(keycloak.log()).doesNotContain(e.phone().substring(3));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            HTTP 503                        | 503 | application/json | {"error":{"code":"MAINTENANCE"}}                 | 0     | sms_unavailable | MAINTENANCE
            throttled by the vendor         | 429 | application/json | {"error":{"code":"THROTTLED"}}                   | 0     | sms_unavailable | THROTTLED
            number refused by the vendor    | 400 | application/json | {"error":{"code":"INVALID_NUMBER","permanent":true}} | 0 | sms_refused     | INVALID_NUMBER
            malformed answer                | 502 | text/html        | <html>Bad gateway                                | 0     | sms_unavailable |
            no answer (times out)           | 200 | application/json | {}                                               | NEVER | sms_unavailable |
            """)
    void givenTheOnlyGatewayFailsThenThePageIsUnchangedAnErrorEventTellsWhyAndTheEmployeeMayTryAgainAtOnce(String fault,
            int status, String contentType, String body, String delay, String reason, String vendorCode, KeycloakRuntime keycloak,
            ServerSetup setup) {
        realm = keycloak.admin().realm(ItConfig.REALM);
        before = RealmSettings.updateSmsConfig(realm, Map.of("ocq.senders", "http"));
        String normal = normalPage(keycloak, setup);
        Employee e = Employees.create(realm);
        Answer answer = new Answer(status, contentType, body, "NEVER".equals(delay) ? FakeGateway.NEVER : null);
        faultFor(setup, e.phone(), answer);

        HttpResponse<String> page = new ResetFlowClient(keycloak).start().submitAccount(e.phone());
        assertThat(ResetFlowClient.comparable(page.body(), e.phone()).replaceAll("\\d{3}\\*{4}\\d{4}", "M"))
                .as("the page does not show that the gateway failed").isEqualTo(normal);
        EventRepresentation event = Events.await(realm, e.id(), "SEND_RESET_PASSWORD_ERROR",
                ev -> "ocq_sms_send_failed".equals(ev.getError()), 15);
        assertThat(event.getDetails()).containsEntry("reason", reason).containsEntry("ocq_sender", "http")
                .containsEntry("ocq_phone", ForgotPasswordLimitsIT.mask(e.phone()));
        if (vendorCode != null) {
            assertThat(event.getDetails()).containsEntry("ocq_vendor_code", vendorCode);
        }
        assertThat(event.getDetails().toString()).doesNotContain(e.phone().substring(3));

        gateway.answer(Answer.json(200, "{}"));
        int received = Sms.to(setup.gateway(), e.phone(), CODE).size();
        new ResetFlowClient(keycloak).start().submitAccount(e.national());
        Sms.await(setup.gateway(), e.phone(), CODE, received + 1);
    }

    @Test
    void givenNamesWithBracketsLinksAndDigitsThenTheSmsHoldsOnlyTheTemplateAndTheCode(KeycloakRuntime keycloak,
            ServerSetup setup) {
        // The user profile already refuses $ { } < > / and control characters in names; these pass it.
        List<String> injected = List.of("【免费领奖】", "evil.example", "回复TD", "888888", "http:", "@");
        Employee plain = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        Employee tricky = Employees.create(keycloak.admin().realm(ItConfig.REALM), u -> {
            u.setFirstName("【免费领奖】evil.example");
            u.setLastName("回复TD退订 888888 @");
            u.getAttributes().put("jobTitle", List.of("http:evil.example"));
        });
        JsonNode plainSms = reset(keycloak, setup, plain);
        JsonNode trickySms = reset(keycloak, setup, tricky);
        for (String purpose : new String[] {CODE, "password_changed"}) {
            JsonNode expected = Sms.await(setup.gateway(), plain.phone(), purpose, 1);
            JsonNode actual = Sms.await(setup.gateway(), tricky.phone(), purpose, 1);
            String code = Sms.code(actual);
            assertThat(actual.path("text").asText().replace(code, "CODE"))
                    .isEqualTo(expected.path("text").asText().replace(Sms.code(expected), "CODE"));
            for (String piece : injected) {
                assertThat(actual.path("text").asText()).as(purpose + " text").doesNotContain(piece);
                assertThat(actual.path("parameters").toString()).as(purpose + " parameters").doesNotContain(piece);
            }
        }
        assertThat(plainSms.path("parameters").size()).isEqualTo(trickySms.path("parameters").size());
    }

    /** A whole reset of {@code e}'s password; returns the verification SMS. */
    private static JsonNode reset(KeycloakRuntime keycloak, ServerSetup setup, Employee e) {
        ResetFlowClient tab = new ResetFlowClient(keycloak).start();
        tab.submitAccount(e.username());
        JsonNode sms = Sms.await(setup.gateway(), e.phone(), CODE, 1);
        tab.submitCode(Sms.code(sms));
        assertThat(tab.submitNewPassword("Injected-name-2026!").body()).contains("密码已重置");
        return sms;
    }

    private static void awaitLog(KeycloakRuntime keycloak, String line) {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!keycloak.log().contains(line)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("The server log has no \"" + line + "\":\n" + keycloak.logTail(40));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }
}
