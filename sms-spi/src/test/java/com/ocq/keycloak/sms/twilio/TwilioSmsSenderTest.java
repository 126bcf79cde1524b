package com.ocq.keycloak.sms.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static com.ocq.keycloak.sms.testing.SenderTests.failure;
import static com.ocq.keycloak.sms.testing.SenderTests.refusedNaming;
import static com.ocq.keycloak.sms.testing.SenderTests.initialized;
import static com.ocq.keycloak.sms.testing.SenderTests.timeoutFailure;

import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsTexts;
import com.ocq.keycloak.sms.testing.FakeGateway;
import com.ocq.keycloak.sms.testing.FakeGateway.Answer;
import com.ocq.keycloak.sms.testing.SenderTests;

class TwilioSmsSenderTest {

    static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    static final String AUTH_TOKEN = "tw-auth-5ecret-77f1c0";
    static final String API_KEY_SID = "SKfedcba9876543210fedcba9876543210";
    static final String API_KEY_SECRET = "tw-key-5ecret-2b9e44";
    static final String FROM = "+15005550006";
    static final String MESSAGING_SERVICE = "MG00112233445566778899aabbccddeeff";
    static final String PHONE = "+8613800138000";
    static final String CODE = "482915";
    static final String PASSWORD = "Init-Pw-93kq";
    static final String SID = "SM0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    FakeGateway gateway;

    @BeforeEach
    void startGateway() {
        gateway = new FakeGateway().answer(Answer.json(201, "{\"sid\":\"" + SID + "\",\"status\":\"queued\"}"));
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("account-sid", ACCOUNT_SID);
        options.put("auth-token", AUTH_TOKEN);
        options.put("from", FROM);
        options.put("endpoint", gateway.uri().toString());
        options.put("timeout", "3000");
        return options;
    }

    static TwilioSmsSenderProviderFactory factory(Map<String, String> options) {
        return initialized(new TwilioSmsSenderProviderFactory(), options);
    }

    static SmsSenderProvider sender(Map<String, String> options) {
        return factory(options).create(null);
    }

    static SmsMessage code() {
        return new SmsMessage(PHONE, SmsPurpose.VERIFICATION_CODE, Locale.SIMPLIFIED_CHINESE, Map.of("code", CODE));
    }

    /** Decodes an x-www-form-urlencoded body, failing on a repeated name. */
    static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] nv = pair.split("=", -1);
            assertThat(nv).as("form pair %s", pair).hasSize(2);
            String previous = fields.put(URLDecoder.decode(nv[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(nv[1], StandardCharsets.UTF_8));
            assertThat(previous).as("field %s repeated", nv[0]).isNull();
        }
        return fields;
    }

    /** The user and password of an HTTP Basic header, decoded here, independently of the sender. */
    static String basicCredentials(String header) {
        assertThat(header).startsWith("Basic ");
        return new String(Base64.getDecoder().decode(header.substring("Basic ".length())), StandardCharsets.UTF_8);
    }

    static void assertSafe(SmsException e) {
        assertThat(e.getMessage()).doesNotContain(PHONE, "13800138000", CODE, PASSWORD, AUTH_TOKEN, API_KEY_SECRET);
    }

    @Nested
    class GivenAnAccountSidAndAuthToken {

        @Test
        void whenSendingThenItPostsTheFormToTheAccountsMessagesResourceAndReturnsTheSid() throws Exception {
            String id = sender(options()).send(code());

            assertThat(id).isEqualTo(SID);
            assertThat(gateway.requests()).hasSize(1);
            FakeGateway.Request request = gateway.lastRequest();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json");
            assertThat(request.rawQuery()).isNull();
            assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
            assertThat(request.header("Accept")).isEqualTo("application/json");
            assertThat(request.header("User-Agent")).startsWith("ocq-keycloak-sms/");
            assertThat(form(request.body())).containsExactly(
                    Map.entry("To", PHONE),
                    Map.entry("From", FROM),
                    Map.entry("Body", SmsTexts.render(code())));
        }

        @Test
        void thenTheBasicAuthHeaderIsAccountSidColonAuthToken() throws Exception {
            sender(options()).send(code());

            assertThat(basicCredentials(gateway.lastRequest().header("Authorization")))
                    .isEqualTo(ACCOUNT_SID + ":" + AUTH_TOKEN);
        }

        @Test
        void thenTheChineseTextIsPercentEncodedUtf8AndCarriesTheCode() throws Exception {
            sender(options()).send(code());

            String raw = gateway.lastRequest().body();
            // 【 is U+3010, E3 80 90 in UTF-8; + of the number is %2B
            assertThat(raw).contains("Body=%E3%80%90").contains("To=%2B8613800138000");
            assertThat(form(raw).get("Body")).startsWith("【OCQ云智能管理】").contains(CODE);
        }

        @Test
        void givenAnEnglishInitialPasswordThenTheBodyIsTheEnglishText() throws Exception {
            SmsMessage message = new SmsMessage(PHONE, SmsPurpose.INITIAL_PASSWORD, Locale.ENGLISH, Map.of("password", PASSWORD));

            sender(options()).send(message);

            assertThat(form(gateway.lastRequest().body()).get("Body"))
                    .isEqualTo(SmsTexts.render(message)).startsWith("[OCQ]").contains(PASSWORD);
        }

        @Test
        void givenAnEndpointWithAPathAndTrailingSlashThenTheResourceIsBelowIt() throws Exception {
            Map<String, String> options = options();
            options.put("endpoint", gateway.uri() + "/twilio-proxy/");

            sender(options).send(code());

            assertThat(gateway.lastRequest().path())
                    .isEqualTo("/twilio-proxy/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json");
        }

        @Test
        void givenHttp200InsteadOf201ThenTheSidIsStillReturned() throws Exception {
            gateway.answer(Answer.json(200, "{\"sid\":\"SMok\",\"status\":\"accepted\"}"));

            assertThat(sender(options()).send(code())).isEqualTo("SMok");
        }

        @Test
        void givenOneSenderThenItServesSendsFromOtherThreads() throws Exception {
            SmsSenderProvider sender = sender(options());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<String>> sends = pool.invokeAll(
                        java.util.Collections.nCopies(8, () -> sender.send(code())));
                for (java.util.concurrent.Future<String> send : sends) {
                    assertThat(send.get()).isEqualTo(SID);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(gateway.requests()).hasSize(8).allSatisfy(r -> assertThat(basicCredentials(r.header("Authorization")))
                    .isEqualTo(ACCOUNT_SID + ":" + AUTH_TOKEN));
        }
    }

    @Nested
    class GivenAnApiKey {

        @Test
        void thenBasicAuthUsesTheKeyAndTheUrlStillNamesTheAccount() throws Exception {
            Map<String, String> options = options();
            options.put("api-key-sid", API_KEY_SID);
            options.put("api-key-secret", API_KEY_SECRET);

            sender(options).send(code());

            FakeGateway.Request request = gateway.lastRequest();
            assertThat(basicCredentials(request.header("Authorization"))).isEqualTo(API_KEY_SID + ":" + API_KEY_SECRET);
            assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json");
        }

        @Test
        void givenNoAuthTokenThenTheKeyAloneIsEnough() throws Exception {
            Map<String, String> options = options();
            options.remove("auth-token");
            options.put("api-key-sid", API_KEY_SID);
            options.put("api-key-secret", API_KEY_SECRET);

            assertThat(sender(options).send(code())).isEqualTo(SID);
        }
    }

    @Nested
    class GivenAMessagingService {

        @Test
        void thenTheFormNamesTheServiceInsteadOfFrom() throws Exception {
            Map<String, String> options = options();
            options.put("messaging-service-sid", MESSAGING_SERVICE);

            sender(options).send(code());

            assertThat(form(gateway.lastRequest().body())).containsExactly(
                    Map.entry("To", PHONE),
                    Map.entry("MessagingServiceSid", MESSAGING_SERVICE),
                    Map.entry("Body", SmsTexts.render(code())));
        }

        @Test
        void givenNoFromThenTheServiceAloneIsEnough() throws Exception {
            Map<String, String> options = options();
            options.remove("from");
            options.put("messaging-service-sid", MESSAGING_SERVICE);

            assertThat(sender(options).send(code())).isEqualTo(SID);
            assertThat(form(gateway.lastRequest().body())).doesNotContainKey("From");
        }
    }

    /** Every code the sender maps, with what Twilio documents about it: code, HTTP status, permanent. */
    static final List<Arguments> DOCUMENTED_CODES = List.of(
            Arguments.of(20003, 401, true),
            Arguments.of(20005, 401, true),
            Arguments.of(20403, 403, true),
            Arguments.of(20404, 404, true),
            Arguments.of(30002, 400, true),
            Arguments.of(21211, 400, true),
            Arguments.of(21266, 400, true),
            Arguments.of(21408, 400, true),
            Arguments.of(21604, 400, true),
            Arguments.of(21608, 400, true),
            Arguments.of(21610, 400, true),
            Arguments.of(21612, 400, true),
            Arguments.of(21614, 400, true),
            Arguments.of(21635, 400, true),
            Arguments.of(30004, 400, true),
            Arguments.of(30005, 400, true),
            Arguments.of(30006, 400, true),
            Arguments.of(30007, 400, true),
            Arguments.of(21212, 400, true),
            Arguments.of(21602, 400, true),
            Arguments.of(21603, 400, true),
            Arguments.of(21606, 400, true),
            Arguments.of(21617, 400, true),
            Arguments.of(21659, 400, true),
            Arguments.of(21660, 400, true),
            Arguments.of(21705, 400, true),
            Arguments.of(30127, 400, true),
            // temporary even when the HTTP status would say permanent
            Arguments.of(20429, 429, false),
            Arguments.of(20500, 500, false),
            Arguments.of(20503, 503, false),
            Arguments.of(21611, 400, false),
            Arguments.of(30001, 400, false),
            Arguments.of(30003, 400, false),
            Arguments.of(30008, 400, false),
            Arguments.of(30500, 500, false));

    static Stream<Arguments> documentedCodes() {
        return DOCUMENTED_CODES.stream();
    }

    @Nested
    class ErrorMapping {

        @ParameterizedTest(name = "Twilio error {0} (HTTP {1}) is permanent: {2}")
        @MethodSource("com.ocq.keycloak.sms.twilio.TwilioSmsSenderTest#documentedCodes")
        void givenADocumentedErrorCodeThenItsMeaningDecides(int code, int status, boolean permanent) {
            gateway.answer(Answer.json(status, "{\"code\":" + code + ",\"message\":\"The 'To' number " + PHONE
                    + " is not valid.\",\"more_info\":\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":" + status + "}"));

            SmsException e = failure(sender(options()), code(), permanent, String.valueOf(code));

            assertThat(e.getMessage()).contains(String.valueOf(code)).contains("HTTP " + status);
            assertSafe(e);
        }

        @Test
        void thenTheTableAboveCoversEveryMappedCode() {
            Set<Integer> tested = DOCUMENTED_CODES.stream().map(a -> (Integer) a.get()[0]).collect(Collectors.toSet());
            assertThat(tested).hasSize(DOCUMENTED_CODES.size());
            assertThat(TwilioSmsSender.ERRORS.keySet()).containsExactlyInAnyOrderElementsOf(tested);
        }

        @Test
        void givenTheCodeAsAStringThenItIsStillMapped() {
            gateway.answer(Answer.json(400, "{\"code\":\"21610\",\"message\":\"unsubscribed\",\"status\":400}"));

            failure(sender(options()), code(), true, "21610");
        }

        @ParameterizedTest(name = "unlisted code at HTTP {0} is permanent: {1}")
        @CsvSource({ "400, true", "404, true", "422, true", "408, false", "429, false", "500, false", "503, false" })
        void givenAnUnlistedCodeThenTheHttpStatusDecides(int status, boolean permanent) {
            gateway.answer(Answer.json(status, "{\"code\":29999,\"message\":\"Something new\",\"status\":" + status + "}"));

            SmsException e = failure(sender(options()), code(), permanent, "29999");

            assertThat(e.getMessage()).contains("Something new");
        }

        @ParameterizedTest(name = "HTTP {0} without a Twilio code is permanent: {1}")
        @CsvSource({ "400, true", "401, true", "403, true", "404, true", "408, false", "429, false", "500, false",
            "502, false", "503, false", "504, false" })
        void givenNoTwilioCodeThenTheHttpStatusDecides(int status, boolean permanent) {
            gateway.answer(new Answer(status, "text/html", "<html><body>proxy says no</body></html>", null));

            failure(sender(options()), code(), permanent, "HTTP_" + status);
        }

        @Test
        void givenHttp429WithTwilioCode20429ThenItIsTemporary() {
            gateway.answer(Answer.json(429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}"));

            failure(sender(options()), code(), false, "20429");
        }

        @ParameterizedTest(name = "a 201 with body {0} is temporary")
        @ValueSource(strings = { "{\"sid\":", "not json at all", "[\"SM1\"]", "{\"status\":\"queued\"}", "{\"sid\":\"\"}" })
        void givenASuccessStatusWithAMalformedAnswerThenItIsTemporary(String body) {
            gateway.answer(Answer.json(201, body));

            failure(sender(options()), code(), false, "MALFORMED_RESPONSE");
        }

        @Test
        void givenAMessageCreatedAlreadyFailedThenItsErrorCodeDecides() {
            gateway.answer(Answer.json(201, "{\"sid\":\"SMx\",\"status\":\"failed\",\"error_code\":30007,\"error_message\":\"filtered\"}"));

            failure(sender(options()), code(), true, "30007");
        }

        @Test
        void givenTheGatewayNeverAnswersThenASendFailsTemporarilyWithinTheTimeout() {
            gateway.answer(Answer.json(201, "{\"sid\":\"late\"}").after(FakeGateway.NEVER));
            Map<String, String> options = options();
            options.put("timeout", "300");

            assertSafe(timeoutFailure(sender(options), code()));
        }

        @Test
        void givenAnAnswerSlowerThanTheTimeoutThenItIsTemporary() {
            gateway.answer(Answer.json(201, "{\"sid\":\"late\"}").after(Duration.ofSeconds(2)));
            Map<String, String> options = options();
            options.put("timeout", "300");

            failure(sender(options), code(), false, "TIMEOUT");
        }

        @Test
        void givenNothingListensAtTheEndpointThenItIsTemporary() throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Map<String, String> options = options();
            options.put("endpoint", "http://127.0.0.1:" + port);

            failure(sender(options), code(), false, "IO");
        }
    }

    @Nested
    class GivenAMissingOrInvalidOption {

        @Test
        void givenNoOptionsAtAllThenInitAndCreateDoNotThrow() {
            TwilioSmsSenderProviderFactory factory = SenderTests.startedWithoutOptions(new TwilioSmsSenderProviderFactory());
            assertThat(factory.getOperationalInfo()).containsEntry("configured",
                    "false: SMS sender 'twilio' needs the option spi-ocq-sms-sender--twilio--account-sid");
        }

        @ParameterizedTest(name = "without {0} a send fails permanently naming {1}")
        @CsvSource({
            "account-sid, spi-ocq-sms-sender--twilio--account-sid",
            "auth-token, spi-ocq-sms-sender--twilio--auth-token",
            "from, spi-ocq-sms-sender--twilio--from"
        })
        void givenARequiredOptionMissingThenASendFailsPermanentlyNamingIt(String missing, String named) {
            Map<String, String> options = options();
            options.remove(missing);

            SmsException e = failure(sender(options), code(), true, "CONFIG");

            assertThat(e.getMessage()).contains(named);
            assertThat(gateway.requests()).isEmpty();
            assertSafe(e);
        }

        @Test
        void givenAnApiKeySidWithoutItsSecretThenTheSecretIsNamed() {
            Map<String, String> options = options();
            options.put("api-key-sid", API_KEY_SID);

            refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--twilio--api-key-secret");
        }

        @ParameterizedTest(name = "endpoint {0} is refused")
        @ValueSource(strings = { "ftp://api.twilio.com", "not a url", "https://", "https://api.twilio.com/?x=1" })
        void givenAnInvalidEndpointThenItIsNamed(String endpoint) {
            Map<String, String> options = options();
            options.put("endpoint", endpoint);

            refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--twilio--endpoint");
        }

        @Test
        void givenAnAccountSidThatIsNotOneThenItIsNamedAndNothingIsSent() {
            Map<String, String> options = options();
            options.put("account-sid", "AC123/../../evil");

            refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--twilio--account-sid");
        }

        @Test
        void givenAVaultReferenceAndNoRealmThenTheReferenceIsNeverSentAsAPassword() {
            Map<String, String> options = options();
            options.put("auth-token", "${vault.twilio-token}");

            refusedNaming(gateway, sender(options), code(), "spi-ocq-sms-sender--twilio--auth-token");
        }
    }

    @Nested
    class Secrecy {

        @Test
        void givenAnUnlistedErrorQuotingEverythingThenTheExceptionQuotesNoneOfIt() {
            gateway.answer(Answer.json(400, "{\"code\":29998,\"message\":\"Rejected " + PHONE + " text " + CODE
                    + " for " + AUTH_TOKEN + " (13800138000)\",\"status\":400}"));

            SmsException e = failure(sender(options()), code());

            assertSafe(e);
            assertThat(e.getMessage()).contains("29998").contains("Rejected");
        }

        @Test
        void givenAnInitialPasswordEchoedBackThenTheExceptionDoesNotQuoteIt() {
            gateway.answer(Answer.json(400, "{\"code\":29997,\"message\":\"Body '" + PASSWORD + "' refused\",\"status\":400}"));
            SmsMessage message = new SmsMessage(PHONE, SmsPurpose.INITIAL_PASSWORD, Locale.ENGLISH, Map.of("password", PASSWORD));

            SmsException e = failure(sender(options()), message);

            assertSafe(e);
        }

        @Test
        void thenTheOperationalInfoShowsSettingsButNoSecret() {
            Map<String, String> options = options();
            options.put("api-key-sid", API_KEY_SID);
            options.put("api-key-secret", API_KEY_SECRET);

            Map<String, String> info = factory(options).getOperationalInfo();

            assertThat(info).containsEntry("configured", "true")
                    .containsEntry("accountSid", ACCOUNT_SID)
                    .containsEntry("authentication", "api-key " + API_KEY_SID)
                    .containsEntry("from", FROM)
                    .containsEntry("timeoutMillis", "3000")
                    .containsKey("version");
            assertThat(info.values()).noneMatch(v -> v.contains(AUTH_TOKEN) || v.contains(API_KEY_SECRET));
        }
    }

    @Test
    void theFactoryIsPublicFinalAndTheSenderPackagePrivateFinal() {
        assertThat(TwilioSmsSenderProviderFactory.PROVIDER_ID).isEqualTo("twilio");
        assertThat(new TwilioSmsSenderProviderFactory().getId()).isEqualTo("twilio");
        SenderTests.assertPublicFactoryAndHiddenSender(TwilioSmsSenderProviderFactory.class, TwilioSmsSender.class);
    }
}
