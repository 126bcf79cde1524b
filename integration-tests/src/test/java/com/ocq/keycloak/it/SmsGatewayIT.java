package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.sms.testing.FakeGateway;

/**
 * The SMS SPI inside the real server: the {@code http} sender, configured by SPI option and
 * environment variable, delivers through the failover dispatcher to a loopback gateway that
 * receives the message as a phone's gateway would; failover, refusal, metrics and log hygiene.
 */
@ExtendWith(KeycloakExtension.class)
class SmsGatewayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A number no other test uses, to search the server log for. */
    private static final String PHONE = "+8613900000777";

    @AfterEach
    void gatewayAnswersOkAgain(ServerSetup setup) {
        setup.gateway().answer(FakeGateway.Answer.json(200, "{\"messageId\":\"gw-1\"}"));
    }

    private static HttpResponse<String> testSms(KeycloakRuntime keycloak, Map<String, Object> body) throws Exception {
        String token = keycloak.admin().tokenManager().getAccessTokenString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + "/admin/realms/" + ItConfig.REALM + "/ocq/sms/test"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void givenTheHttpSenderThenTheGatewayReceivesASignedMessageWithTheCode(KeycloakRuntime keycloak, ServerSetup setup) throws Exception {
        setup.gateway().answer(FakeGateway.Answer.json(200, "{\"messageId\":\"gw-42\"}"));
        int before = setup.gateway().requests().size();

        HttpResponse<String> response = testSms(keycloak, Map.of("phoneNumber", "+86 139-0000-0777"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("sender").asText()).isEqualTo("http");
        assertThat(answer.path("messageId").asText()).isEqualTo("gw-42");
        assertThat(answer.path("phoneNumber").asText()).isEqualTo("139****0777");

        assertThat(setup.gateway().requests()).hasSize(before + 1);
        FakeGateway.Request received = setup.gateway().lastRequest();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo(ServerSetup.GATEWAY_PATH);
        JsonNode sms = JSON.readTree(received.body());
        assertThat(sms.path("to").asText()).isEqualTo(PHONE);
        assertThat(sms.path("purpose").asText()).isEqualTo("verification_code");
        String code = sms.path("parameters").path("code").asText();
        assertThat(code).matches("\\d{6}");
        assertThat(sms.path("text").asText()).contains(code);

        String timestamp = received.header("X-OCQ-Timestamp");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(setup.webhookSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + received.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(received.header("X-OCQ-Signature")).as("signed with the secret the vault resolved").isEqualTo(expected);

        assertThat(keycloak.log()).as("the server log never holds the full number").doesNotContain("13900000777");
        assertThat(keycloak.log().lines().filter(l -> l.contains("139****0777")))
                .as("nor, next to the masked number, the code the http sender sent").noneMatch(l -> l.contains(code));
    }

    @Test
    void givenTheGatewayFailsTemporarilyThenTheNextSenderDelivers(KeycloakRuntime keycloak, ServerSetup setup) throws Exception {
        setup.gateway().answer(FakeGateway.Answer.json(503, "{}"));
        long devSmsBefore = devSmsLines(keycloak);

        HttpResponse<String> response = testSms(keycloak, Map.of("phoneNumber", "13900000777"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("sender").asText()).as("failover to the development sender").isEqualTo("log");
        assertThat(answer.path("attempts").asInt()).isEqualTo(2);
        assertThat(devSmsLines(keycloak)).as("the log sender's line, as the refusal test looks for it").isEqualTo(devSmsBefore + 1);
    }

    @Test
    void givenAPermanentRefusalThenNothingElseIsTriedAndTheAdminSeesWhy(KeycloakRuntime keycloak, ServerSetup setup) throws Exception {
        setup.gateway().answer(FakeGateway.Answer.json(400, "{\"error\":{\"code\":\"INVALID_NUMBER\",\"permanent\":true}}"));
        int before = setup.gateway().requests().size();
        long devSmsBefore = devSmsLines(keycloak);
        double logSendsBefore = sends(keycloak, "log", "success");

        HttpResponse<String> response = testSms(keycloak, Map.of("phoneNumber", "13900000777", "senders", List.of("http", "log")));

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("permanent").asBoolean()).isTrue();
        assertThat(answer.path("vendorCode").asText()).isEqualTo("INVALID_NUMBER");
        assertThat(answer.path("sender").asText()).isEqualTo("http");
        assertThat(setup.gateway().requests()).as("the http sender tried once").hasSize(before + 1);
        // The dispatcher answers after the chain ends, so a call of the log sender would be in the log by now.
        assertThat(devSmsLines(keycloak)).as("the log sender was not called").isEqualTo(devSmsBefore);
        assertThat(sends(keycloak, "log", "success")).as("nor counted as sending").isEqualTo(logSendsBefore);
    }

    /** How many times the development sender logged a message to {@link #PHONE}. */
    private static long devSmsLines(KeycloakRuntime keycloak) {
        return keycloak.log().lines().filter(l -> l.contains("[DEV SMS] to 139****0777")).count();
    }

    @Test
    void givenANumberOutsideTheAllowedRegionsThenNothingIsSent(KeycloakRuntime keycloak, ServerSetup setup) throws Exception {
        int before = setup.gateway().requests().size();
        HttpResponse<String> response = testSms(keycloak, Map.of("phoneNumber", "+1 415 555 2671"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(setup.gateway().requests()).hasSize(before);
    }

    @Test
    void givenAnEmployeeWithoutManageRealmThenTheEndpointIsForbidden(KeycloakRuntime keycloak) throws Exception {
        var employee = org.keycloak.admin.client.KeycloakBuilder.builder().serverUrl(keycloak.baseUrl()).realm(ItConfig.REALM)
                .clientId("admin-cli").username("zhanglonghui").password(ItConfig.DEMO_PASSWORD).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + "/admin/realms/" + ItConfig.REALM + "/ocq/sms/test"))
                .header("Authorization", "Bearer " + employee.tokenManager().getAccessTokenString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phoneNumber\":\"13900000777\"}")).build();
        assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("系统管理员 manages users, not the realm's gateways").isEqualTo(403);
        employee.close();
    }

    @Test
    void givenMetricsEnabledThenSendsAreCountedBySenderPurposeAndOutcome(KeycloakRuntime keycloak) throws Exception {
        // The counter is cumulative over the run (other tests send too): this send must add exactly one.
        double before = sends(keycloak, "http", "success");
        HttpResponse<String> response = testSms(keycloak, Map.of("phoneNumber", "13900000777"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(sends(keycloak, "http", "success")).as("ocq_sms_sends_total of this send").isEqualTo(before + 1);
        assertThat(metrics(keycloak)).contains("ocq_sms_send_duration_seconds");
    }

    private static String metrics(KeycloakRuntime keycloak) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(keycloak.managementUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }

    /** The value of {@code ocq_sms_sends_total} for verification codes by {@code sender} with {@code outcome}; 0 before the first. */
    private static double sends(KeycloakRuntime keycloak, String sender, String outcome) throws Exception {
        List<String> lines = metrics(keycloak).lines().filter(l -> l.startsWith("ocq_sms_sends_total{"))
                .filter(l -> l.contains("sender=\"" + sender + "\"") && l.contains("purpose=\"verification_code\"")
                        && l.contains("outcome=\"" + outcome + "\""))
                .toList();
        assertThat(lines).as("one series per sender, purpose and outcome").hasSizeLessThanOrEqualTo(1);
        return lines.isEmpty() ? 0 : Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
    }
}
