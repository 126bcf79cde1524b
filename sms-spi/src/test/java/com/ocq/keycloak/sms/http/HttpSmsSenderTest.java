package com.ocq.keycloak.sms.http;

import static org.assertj.core.api.Assertions.assertThat;
import static com.ocq.keycloak.sms.testing.SenderTests.failure;
import static com.ocq.keycloak.sms.testing.SenderTests.refusedNaming;
import static com.ocq.keycloak.sms.testing.SenderTests.initialized;
import static com.ocq.keycloak.sms.testing.SenderTests.timeoutFailure;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsHttp;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsTexts;
import com.ocq.keycloak.sms.testing.FakeGateway;
import com.ocq.keycloak.sms.testing.FakeGateway.Answer;
import com.ocq.keycloak.sms.testing.SenderTests;

class HttpSmsSenderTest {

    static final String SECRET = "wh-hmac-5ecret-0b7d1e";
    static final String BEARER = "Bearer wh-static-token-61a2";
    static final String PHONE = "+8613800138000";
    static final String CODE = "482915";
    static final String PASSWORD = "Init-Pw-93kq";
    static final long NOW = 1_760_000_000L;
    static final UUID ID = UUID.fromString("3f1c2b9e-8d4a-4c6e-9b1f-2a7d5e0c4b81");

    static final ObjectMapper JSON = new ObjectMapper();

    FakeGateway gateway;

    @BeforeEach
    void startGateway() {
        gateway = new FakeGateway().answer(Answer.json(202, "{\"messageId\":\"gw-7781\"}"));
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    /** A sender with a fixed clock and id, built through the package-private constructor. */
    HttpSmsSender fixedSender(String path, Duration timeout) {
        return new HttpSmsSender(URI.create(gateway.uri() + path), SECRET, Map.of("Authorization", BEARER),
                new SmsHttp(Duration.ofSeconds(1), timeout), Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC),
                () -> ID);
    }

    HttpSmsSender fixedSender() {
        return fixedSender("/sms/send", Duration.ofSeconds(3));
    }

    Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("url", gateway.uri() + "/hooks/sms");
        options.put("secret", SECRET);
        options.put("timeout", "3000");
        return options;
    }

    static HttpSmsSenderProviderFactory factory(Map<String, String> options) {
        return initialized(new HttpSmsSenderProviderFactory(), options);
    }

    static SmsSenderProvider sender(Map<String, String> options) {
        return factory(options).create(null);
    }

    static SmsMessage code() {
        return new SmsMessage(PHONE, SmsPurpose.VERIFICATION_CODE, Locale.SIMPLIFIED_CHINESE, Map.of("code", CODE));
    }

    static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * A receiver as the README tells one to write it, independent of the sender's code: recompute
     * HMAC-SHA256 over "timestamp.body" with the shared secret, compare in constant time, and refuse
     * timestamps more than five minutes away from its own clock.
     */
    static boolean receiverAccepts(FakeGateway.Request request, String secret, long receiverNow) throws Exception {
        String timestamp = request.header("X-OCQ-Timestamp");
        String signature = request.header("X-OCQ-Signature");
        if (timestamp == null || signature == null || !timestamp.matches("\\d{1,12}") || !signature.startsWith("v1=")) {
            return false;
        }
        if (Math.abs(receiverNow - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((timestamp + "." + request.body()).getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : expected) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return MessageDigest.isEqual(hex.toString().getBytes(StandardCharsets.US_ASCII),
                signature.substring(3).getBytes(StandardCharsets.US_ASCII));
    }

    static void assertSafe(SmsException e) {
        assertThat(e.getMessage()).doesNotContain(PHONE, "13800138000", CODE, PASSWORD, SECRET, "wh-static-token-61a2");
    }

    @Nested
    class GivenAMessage {

        @Test
        void whenSendingThenItPostsTheDocumentedJsonWithTheDocumentedHeaders() throws Exception {
            String messageId = fixedSender().send(code());

            assertThat(messageId).isEqualTo("gw-7781");
            assertThat(gateway.requests()).hasSize(1);
            FakeGateway.Request request = gateway.lastRequest();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/sms/send");
            assertThat(request.rawQuery()).isNull();
            assertThat(request.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(request.header("X-OCQ-Timestamp")).isEqualTo(String.valueOf(NOW));
            assertThat(request.header("Idempotency-Key")).isEqualTo(ID.toString());
            assertThat(request.header("Authorization")).isEqualTo(BEARER);
            assertThat(request.header("Accept")).isEqualTo("application/json");
            assertThat(request.header("User-Agent")).startsWith("ocq-keycloak-sms/");
            assertThat(request.header("X-OCQ-Signature")).matches("v1=[0-9a-f]{64}");

            JsonNode body = json(request.body());
            assertThat(fieldNames(body)).containsExactly("id", "timestamp", "to", "purpose", "locale", "parameters", "text");
            assertThat(body.get("id").isTextual()).isTrue();
            assertThat(body.get("id").asText()).isEqualTo(ID.toString());
            assertThat(body.get("timestamp").isIntegralNumber()).isTrue();
            assertThat(body.get("timestamp").longValue()).isEqualTo(NOW);
            assertThat(body.get("to").asText()).isEqualTo(PHONE);
            assertThat(body.get("purpose").asText()).isEqualTo("verification_code");
            assertThat(body.get("locale").asText()).isEqualTo("zh-CN");
            assertThat(fieldNames(body.get("parameters"))).containsExactly("code");
            assertThat(body.get("parameters").get("code").asText()).isEqualTo(CODE);
            assertThat(body.get("text").asText()).isEqualTo(SmsTexts.render(code())).startsWith("【OCQ云智能管理】").contains(CODE);
        }

        @Test
        void thenTheSignatureIsTheHmacOfTimestampDotRawBodyRecomputedIndependently() throws Exception {
            fixedSender().send(code());
            FakeGateway.Request request = gateway.lastRequest();

            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((NOW + "." + request.body()).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b & 0xff));
            }
            assertThat(request.header("X-OCQ-Signature")).isEqualTo("v1=" + hex);
        }

        @Test
        void thenAReceiverFollowingTheReadmeAcceptsItAndRefusesTamperingOrStaleness() throws Exception {
            fixedSender().send(code());
            FakeGateway.Request request = gateway.lastRequest();

            assertThat(receiverAccepts(request, SECRET, NOW + 10)).isTrue();
            assertThat(receiverAccepts(request, "another-secret", NOW)).isFalse();
            assertThat(receiverAccepts(request, SECRET, NOW + 301)).as("older than five minutes").isFalse();
            assertThat(receiverAccepts(request, SECRET, NOW - 301)).as("from the future").isFalse();
            FakeGateway.Request tampered = new FakeGateway.Request(request.method(), request.path(), request.rawQuery(),
                    request.headers(), request.body().replace(PHONE, "+8613900000000"));
            assertThat(receiverAccepts(tampered, SECRET, NOW)).isFalse();
            Map<String, List<String>> replayedHeaders = new HashMap<>(request.headers());
            replayedHeaders.put("x-ocq-timestamp", List.of(String.valueOf(NOW + 200)));
            FakeGateway.Request retimed = new FakeGateway.Request(request.method(), request.path(), request.rawQuery(),
                    replayedHeaders, request.body());
            assertThat(receiverAccepts(retimed, SECRET, NOW + 200)).as("a new timestamp on an old signature").isFalse();
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(SmsPurpose.class)
        void givenEachPurposeThenPurposeParametersAndTextAreThoseOfTheMessage(SmsPurpose purpose) throws Exception {
            Map<String, String> parameters = switch (purpose) {
                case VERIFICATION_CODE -> Map.of("code", CODE);
                case PASSWORD_CHANGED -> Map.of();
                case INITIAL_PASSWORD -> Map.of("password", PASSWORD);
            };
            SmsMessage message = new SmsMessage(PHONE, purpose, Locale.ENGLISH, parameters);

            fixedSender().send(message);

            JsonNode body = json(gateway.lastRequest().body());
            assertThat(body.get("purpose").asText()).isEqualTo(purpose.name().toLowerCase(Locale.ROOT));
            assertThat(body.get("locale").asText()).isEqualTo("en");
            assertThat(body.get("parameters").isObject()).isTrue();
            Map<String, String> sent = new HashMap<>();
            body.get("parameters").properties().forEach(f -> sent.put(f.getKey(), f.getValue().asText()));
            assertThat(sent).isEqualTo(parameters);
            assertThat(body.get("text").asText()).isEqualTo(SmsTexts.render(message)).startsWith("[OCQ]");
        }

        @Test
        void givenAUrlWithAQueryThenItIsKept() throws Exception {
            fixedSender("/sms?tenant=ocq&v=1", Duration.ofSeconds(3)).send(code());

            assertThat(gateway.lastRequest().path()).isEqualTo("/sms");
            assertThat(gateway.lastRequest().rawQuery()).isEqualTo("tenant=ocq&v=1");
        }
    }

    @Nested
    class GivenTheFactory {

        @Test
        void thenIdsAreFreshUuidsTimestampsAreNowAndHeadersMatchTheBody() throws Exception {
            Map<String, String> options = options();
            options.put("headers", "Authorization=" + BEARER + ", X-Tenant=ocq");
            SmsSenderProvider sender = sender(options);

            long before = Instant.now().getEpochSecond();
            sender.send(code());
            sender.send(code());
            long after = Instant.now().getEpochSecond();

            assertThat(gateway.requests()).hasSize(2);
            List<String> ids = new ArrayList<>();
            for (FakeGateway.Request request : gateway.requests()) {
                assertThat(request.path()).isEqualTo("/hooks/sms");
                assertThat(request.header("Authorization")).isEqualTo(BEARER);
                assertThat(request.header("X-Tenant")).isEqualTo("ocq");
                JsonNode body = json(request.body());
                String id = body.get("id").asText();
                assertThat(UUID.fromString(id).toString()).isEqualTo(id);
                assertThat(request.header("Idempotency-Key")).isEqualTo(id);
                assertThat(body.get("timestamp").longValue()).isBetween(before, after);
                assertThat(request.header("X-OCQ-Timestamp")).isEqualTo(String.valueOf(body.get("timestamp").longValue()));
                assertThat(receiverAccepts(request, SECRET, after)).isTrue();
                ids.add(id);
            }
            assertThat(ids).doesNotHaveDuplicates();
        }

        @Test
        void givenTheInjectedClockAndIdsThenEachSendTakesTheNextOnes() throws Exception {
            AtomicInteger n = new AtomicInteger();
            Iterator<UUID> uuids = List.of(ID, UUID.fromString("00000000-0000-4000-8000-000000000002")).iterator();
            Supplier<UUID> ids = uuids::next;
            Clock clock = new Clock() {
                @Override
                public Instant instant() {
                    return Instant.ofEpochSecond(NOW + n.getAndIncrement() * 60L);
                }

                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }
            };
            HttpSmsSender sender = new HttpSmsSender(URI.create(gateway.uri() + "/x"), SECRET, Map.of(),
                    new SmsHttp(Duration.ofSeconds(1), Duration.ofSeconds(3)), clock, ids);

            sender.send(code());
            sender.send(code());

            assertThat(gateway.requests()).extracting(r -> r.header("X-OCQ-Timestamp"))
                    .containsExactly(String.valueOf(NOW), String.valueOf(NOW + 60));
            assertThat(gateway.requests()).extracting(r -> r.header("Idempotency-Key"))
                    .containsExactly(ID.toString(), "00000000-0000-4000-8000-000000000002");
            assertThat(gateway.requests()).extracting(r -> r.header("Authorization")).containsOnlyNulls();
        }

        @Test
        void thenTheOperationalInfoShowsNoSecretNoHeaderValueAndNoUrlCredentials() {
            Map<String, String> options = options();
            options.put("url", "https://user:pa55@gw.example.com:8443/sms/send?token=url-t0ken");
            options.put("headers", "Authorization=" + BEARER);

            Map<String, String> info = factory(options).getOperationalInfo();

            assertThat(info).containsEntry("configured", "true")
                    .containsEntry("url", "https://gw.example.com:8443/sms/send")
                    .containsEntry("headers", "Authorization")
                    .containsEntry("timeoutMillis", "3000")
                    .containsKey("version");
            assertThat(String.join("|", info.values())).doesNotContain(SECRET, "wh-static-token-61a2", "pa55", "url-t0ken");
        }
    }

    @Nested
    class GivenAnAnswer {

        @ParameterizedTest(name = "HTTP {0} {1} gives message id {2}")
        @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "200 | {\"messageId\":\"gw-1\"}                 | gw-1",
            "201 | {\"messageId\":12345,\"other\":true}     | 12345",
            "202 | {}                                       | NULL",
            "200 | {\"messageId\":null}                     | NULL",
            "200 | {\"messageId\":{\"nested\":1}}           | NULL",
            "200 | OK                                       | NULL",
            "200 | {broken json                             | NULL",
            "200 | [\"gw-1\"]                               | NULL",
            "204 | NULL                                     | NULL"
        })
        void givenA2xxThenItIsAcceptedAndTheIdComesFromJsonMessageIdOnly(int status, String body, String expected)
                throws Exception {
            gateway.answer(new Answer(status, body != null && body.startsWith("{") ? "application/json" : "text/plain", body, null));

            assertThat(fixedSender().send(code())).isEqualTo(expected);
        }

        @ParameterizedTest(name = "HTTP {0} is permanent: {1}")
        @CsvSource({ "400, true", "401, true", "403, true", "404, true", "410, true", "413, true", "422, true",
            "408, false", "429, false", "500, false", "502, false", "503, false", "504, false" })
        void givenAnErrorStatusWithoutAnErrorBodyThenTheStatusDecides(int status, boolean permanent) {
            gateway.answer(new Answer(status, "text/html", "<html>nope</html>", null));

            failure(fixedSender(), code(), permanent, "HTTP_" + status);
        }

        @ParameterizedTest(name = "HTTP {0} with {1} is permanent: {2}, code {3}")
        @CsvSource(delimiter = '|', value = {
            "500 | {\"error\":{\"code\":\"INVALID_NUMBER\",\"permanent\":true}}  | true  | INVALID_NUMBER",
            "400 | {\"error\":{\"code\":\"QUOTA\",\"permanent\":false}}          | false | QUOTA",
            "429 | {\"error\":{\"code\":\"BLOCKED\",\"permanent\":true}}         | true  | BLOCKED",
            "200 | {\"error\":{\"code\":\"REJECTED\",\"permanent\":true}}        | true  | REJECTED",
            "200 | {\"error\":{\"code\":\"BUSY\"}}                              | false | BUSY",
            "422 | {\"error\":{\"code\":\"TEMPLATE\"}}                          | true  | TEMPLATE",
            "503 | {\"error\":{\"code\":\"DOWN\"}}                              | false | DOWN",
            "400 | {\"error\":{\"code\":1001,\"permanent\":\"yes\"}}            | true  | 1001",
            "502 | {\"error\":{\"permanent\":true}}                             | true  | HTTP_502",
            "200 | {\"error\":\"OVER_QUOTA\"}                                   | false | OVER_QUOTA",
            "404 | {\"error\":{\"code\":\"no such route\",\"permanent\":false}} | false | no_such_route"
        })
        void givenAnErrorBodyThenItOverridesTheStatusAndGivesTheVendorCode(int status, String body, boolean permanent,
                String vendorCode) {
            gateway.answer(Answer.json(status, body));

            SmsException e = failure(fixedSender(), code(), permanent, vendorCode);

            assertThat(e.getMessage()).contains(vendorCode).contains("HTTP " + status);
        }

        @ParameterizedTest(name = "HTTP {0} with malformed JSON is permanent: {1}")
        @CsvSource(delimiter = '|', value = { "500 | false", "502 | false", "503 | false", "400 | true" })
        void givenAMalformedJsonErrorBodyThenTheStatusDecides(int status, boolean permanent) {
            gateway.answer(Answer.json(status, "{\"error\":{\"code\":"));

            failure(fixedSender(), code(), permanent, "HTTP_" + status);
        }

        @Test
        void givenTheGatewayNeverAnswersThenASendFailsTemporarilyWithinTheTimeout() {
            gateway.answer(Answer.json(200, "{}").after(FakeGateway.NEVER));

            assertSafe(timeoutFailure(fixedSender("/sms", Duration.ofMillis(300)), code()));
        }

        @Test
        void givenTheTimeoutOptionThenAnAnswerSlowerThanItIsTemporary() {
            gateway.answer(Answer.json(200, "{}").after(Duration.ofSeconds(2)));
            Map<String, String> options = options();
            options.put("timeout", "300");

            failure(sender(options), code(), false, "TIMEOUT");
        }
    }

    @Nested
    class GivenAMissingOrInvalidOption {

        @Test
        void givenNoOptionsAtAllThenInitAndCreateDoNotThrow() {
            HttpSmsSenderProviderFactory factory = SenderTests.startedWithoutOptions(new HttpSmsSenderProviderFactory());
            assertThat(factory.getOperationalInfo()).containsEntry("configured",
                    "false: SMS sender 'http' needs the option spi-ocq-sms-sender--http--url");
        }

        @ParameterizedTest(name = "without {0}")
        @ValueSource(strings = { "url", "secret" })
        void givenARequiredOptionMissingThenASendFailsPermanentlyNamingIt(String missing) {
            Map<String, String> options = options();
            options.remove(missing);

            SmsException e = failure(sender(options), code(), true, "CONFIG");

            assertThat(e.getMessage()).contains("spi-ocq-sms-sender--http--" + missing);
            assertThat(gateway.requests()).isEmpty();
            assertSafe(e);
        }

        @ParameterizedTest(name = "url {0}")
        @ValueSource(strings = { "ftp://gw.example.com/sms", "not a url with a token t0k", "/relative/path", "https://" })
        void givenAnInvalidUrlThenItIsNamedButNotQuoted(String url) {
            Map<String, String> options = options();
            options.put("url", url);

            SmsException e = refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--http--url");
            assertThat(e.getMessage()).doesNotContain("t0k");
        }

        @ParameterizedTest(name = "headers {0}")
        @ValueSource(strings = { "Authorization", "=value", "Bad Name=x", "Content-Type=text/plain",
            "X-OCQ-Signature=v1=00", "idempotency-key=1", "Host=evil", "X-A=1,x-a=2", "Authorization=Bearer a,b" })
        void givenUnusableHeadersThenTheOptionIsNamedButNoValueQuoted(String headers) {
            Map<String, String> options = options();
            options.put("headers", headers);

            SmsException e = refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--http--headers");
            assertThat(e.getMessage())
                    .doesNotContain("evil", "v1=00", "text/plain", "Bearer");
        }

        @Test
        void givenASecretVaultReferenceAndNoRealmThenTheReferenceIsNeverUsedAsKey() {
            Map<String, String> options = options();
            options.put("secret", "${vault.webhook-secret}");

            refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--http--secret");
        }

        @Test
        void givenAHeaderVaultReferenceAndNoRealmThenTheReferenceIsNeverSent() {
            Map<String, String> options = options();
            options.put("headers", "Authorization=${vault.webhook-auth}");

            SmsException e = refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--http--headers");
            assertThat(e.getMessage()).contains("Authorization");
        }
    }

    @Nested
    class Secrecy {

        @Test
        void givenAnErrorCodeCarryingTheNumberThenTheVendorCodeAndMessageDoNotQuoteIt() {
            gateway.answer(Answer.json(400, "{\"error\":{\"code\":\"BAD_" + PHONE + "_" + CODE + "\",\"permanent\":true}}"));

            SmsException e = failure(fixedSender(), code());

            assertThat(e.getVendorCode()).doesNotContain("13800138000");
            assertThat(e.getMessage()).doesNotContain("13800138000");
        }

        @ParameterizedTest(name = "HTTP {0}")
        @ValueSource(ints = { 400, 408, 500, 200 })
        void givenAnyFailureThenTheMessageQuotesNoSecretCodeOrNumber(int status) {
            gateway.answer(Answer.json(status, "{\"error\":{\"code\":\"E\",\"message\":\"" + PHONE + " " + CODE + " " + SECRET + "\"}}"));

            SmsException e = failure(fixedSender(), code());

            assertSafe(e);
        }
    }

    @Test
    void theFactoryIsPublicFinalAndTheSenderPackagePrivateFinal() {
        assertThat(HttpSmsSenderProviderFactory.PROVIDER_ID).isEqualTo("http");
        assertThat(new HttpSmsSenderProviderFactory().getId()).isEqualTo("http");
        SenderTests.assertPublicFactoryAndHiddenSender(HttpSmsSenderProviderFactory.class, HttpSmsSender.class);
    }
}
