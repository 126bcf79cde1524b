package com.ocq.keycloak.sms.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigInteger;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.testing.FakeGateway;
import com.ocq.keycloak.sms.testing.FakeGateway.Answer;
import com.ocq.keycloak.sms.testing.MapScope;
import com.ocq.keycloak.sms.testing.SenderTests;

class AliyunSmsSenderTest {

    private static final String KEY_ID = "LTAI5tTestKeyId";
    private static final String SECRET = "test-secret-Zq9xP4vW";
    private static final String SIGN = "OCQ云智能";
    private static final String SIGN_ENCODED = "OCQ%E4%BA%91%E6%99%BA%E8%83%BD";
    private static final String CODE = "493817";
    private static final String PASSWORD = "Kx7#pa ss*~";
    private static final String PHONE = "+8613900000101";
    private static final String NONCE = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T08:09:10.789Z"), ZoneOffset.UTC);
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String SIGNED_HEADERS =
            "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";

    private FakeGateway gateway;
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private java.util.logging.Logger julLogger;
    private Handler logHandler;

    @BeforeEach
    void startGateway() {
        gateway = new FakeGateway();
        gateway.answer(Answer.json(200, "{\"RequestId\":\"F655A8D5-B967-440B-8683-DAD6FF8DE990\","
                + "\"Message\":\"OK\",\"BizId\":\"900619746936498440^0\",\"Code\":\"OK\"}"));
        julLogger = java.util.logging.Logger.getLogger("com.ocq.keycloak.sms.aliyun");
        julLogger.setLevel(Level.ALL);
        logHandler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                Object[] params = record.getParameters();
                logs.add(record.getMessage() + (params == null ? "" : " " + java.util.Arrays.toString(params))
                        + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logHandler.setLevel(Level.ALL);
        julLogger.addHandler(logHandler);
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
        julLogger.removeHandler(logHandler);
    }

    // ---------------------------------------------------------------- helpers

    private Map<String, String> options() {
        Map<String, String> o = new HashMap<>();
        o.put("endpoint", gateway.uri().toString());
        o.put("access-key-id", KEY_ID);
        o.put("access-key-secret", SECRET);
        o.put("sign-name", SIGN);
        o.put("template-verification-code", "SMS_100001");
        o.put("template-password-changed", "SMS_100002");
        o.put("template-initial-password", "SMS_100003");
        o.put("timeout", "3000");
        return o;
    }

    private static AliyunSmsSenderProviderFactory factory(Map<String, String> options) {
        return SenderTests.initialized(new AliyunSmsSenderProviderFactory(CLOCK, () -> NONCE), options);
    }

    private String send(SmsMessage message) throws SmsException {
        return factory(options()).create(null).send(message);
    }

    private static SmsMessage code(String phone) {
        return new SmsMessage(phone, SmsPurpose.VERIFICATION_CODE, Locale.SIMPLIFIED_CHINESE, Map.of("code", CODE));
    }

    private SmsException failure(SmsMessage message) {
        return SenderTests.failure(factory(options()).create(null), message);
    }

    /** Decoded query parameters of a request, as the gateway would read them. */
    private static Map<String, String> params(FakeGateway.Request request) {
        Map<String, String> params = new TreeMap<>();
        for (String pair : request.rawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Nothing secret anywhere in the exception, its causes, or the log. */
    private void assertNothingSecretIn(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        text.append(String.join("\n", logs));
        assertThat(text.toString()).doesNotContain(SECRET, CODE, PASSWORD, "13900000101", "8613900000101");
    }

    // ------------------------------------------------- an independent verifier

    /**
     * Recomputes the ACS3-HMAC-SHA256 signature of a request as received, written separately from
     * the production code and straight from the documented steps: the query re-encoded the way
     * the documentation suggests for Java (URLEncoder, then + to %20, * to %2A, %7E to ~).
     */
    static String independentSignature(FakeGateway.Request request, String secret) throws Exception {
        String authorization = request.header("authorization");
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]*),.*", "$1");
        Map<String, String> query = new TreeMap<>();
        if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
            for (String pair : request.rawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        String canonicalQuery = query.entrySet().stream().map(e -> docEncode(e.getKey()) + "=" + docEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            canonicalHeaders.append(name).append(':').append(request.header(name).trim()).append('\n');
        }
        String canonicalRequest = request.method() + "\n" + request.path() + "\n" + canonicalQuery + "\n"
                + canonicalHeaders + "\n" + signedHeaders + "\n" + hex(sha256(request.body()));
        String stringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(canonicalRequest));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return hex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    private static String docEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return String.format("%0" + bytes.length * 2 + "x", new BigInteger(1, bytes));
    }

    // ========================================================================

    /**
     * The signing example of Alibaba Cloud's "V3 request structure and signature" documentation,
     * https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
     * (English: https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature):
     * POST RunInstances to ecs.cn-shanghai.aliyuncs.com, query ImageId and RegionId, empty body,
     * AccessKey YourAccessKeyId / YourAccessKeySecret, x-acs-date 2023-10-26T10:22:32Z, nonce
     * 3156853299f313e23d1673dc12e1703d; hashed canonical request 7ea06492...; signature 06563a9e....
     */
    @Nested
    class GivenTheOfficialSigningExample {

        private final Map<String, String> query = Map.of(
                "RegionId", "cn-shanghai", "ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd");
        private final Map<String, String> headers = Map.of(
                "host", "ecs.cn-shanghai.aliyuncs.com",
                "x-acs-action", "RunInstances",
                "x-acs-content-sha256", EMPTY_SHA256,
                "x-acs-date", "2023-10-26T10:22:32Z",
                "x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d",
                "x-acs-version", "2014-05-26");
        private static final String EXPECTED_AUTHORIZATION = "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
                + "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                + "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

        @Test
        void givenTheDocumentedInputs_thenTheCanonicalRequestHasTheDocumentedPartsAndHash() {
            String canonical = Acs3Signature.canonicalRequest("POST", "/", query, headers, Acs3Signature.sha256Hex(""));

            assertThat(canonical).isEqualTo("POST\n/\n"
                    + "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
                    + "host:ecs.cn-shanghai.aliyuncs.com\n"
                    + "x-acs-action:RunInstances\n"
                    + "x-acs-content-sha256:" + EMPTY_SHA256 + "\n"
                    + "x-acs-date:2023-10-26T10:22:32Z\n"
                    + "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
                    + "x-acs-version:2014-05-26\n"
                    + "\n"
                    + "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
                    + EMPTY_SHA256);
            assertThat(Acs3Signature.sha256Hex(canonical))
                    .isEqualTo("7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
        }

        @Test
        void givenTheDocumentedInputs_thenTheSignatureAndAuthorizationAreTheDocumentedOnes() {
            String canonical = Acs3Signature.canonicalRequest("POST", "/", query, headers, EMPTY_SHA256);
            String signature = Acs3Signature.signature("YourAccessKeySecret", canonical);

            assertThat(signature).isEqualTo("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
            assertThat(Acs3Signature.authorization("YourAccessKeyId", Acs3Signature.signedHeaders(headers), signature))
                    .isEqualTo(EXPECTED_AUTHORIZATION);
        }

        @Test
        void givenTheDocumentedRequest_thenTheTestsOwnVerifierAgreesWithTheDocumentation() throws Exception {
            Map<String, List<String>> received = new TreeMap<>();
            headers.forEach((k, v) -> received.put(k, List.of(v)));
            received.put("authorization", List.of(EXPECTED_AUTHORIZATION));
            FakeGateway.Request request = new FakeGateway.Request("POST", "/",
                    "RegionId=cn-shanghai&ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", received, "");

            assertThat(independentSignature(request, "YourAccessKeySecret"))
                    .isEqualTo("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
            assertThat(independentSignature(request, "AnotherSecret"))
                    .isNotEqualTo("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
        }

        @Test
        void givenReservedAndUnicodeCharacters_thenTheyArePercentEncodedAsDocumented() {
            assertThat(Acs3Signature.percentEncode("AZaz09-_.~")).isEqualTo("AZaz09-_.~");
            assertThat(Acs3Signature.percentEncode("a b*c+d/e=f&g\"")).isEqualTo("a%20b%2Ac%2Bd%2Fe%3Df%26g%22");
            assertThat(Acs3Signature.percentEncode(SIGN)).isEqualTo(SIGN_ENCODED);
        }
    }

    @Nested
    class GivenAVerificationCode {

        @Test
        void givenAMainlandNumber_thenTheExactSendSmsRequestIsPosted() throws Exception {
            String bizId = send(code(PHONE));

            assertThat(bizId).isEqualTo("900619746936498440^0");
            assertThat(gateway.requests()).hasSize(1);
            FakeGateway.Request request = gateway.lastRequest();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/");
            assertThat(request.rawQuery()).isEqualTo("PhoneNumbers=13900000101&SignName=" + SIGN_ENCODED
                    + "&TemplateCode=SMS_100001&TemplateParam=%7B%22code%22%3A%22" + CODE + "%22%7D");
            assertThat(request.body()).isEmpty();
            assertThat(request.headers().keySet()).containsExactlyInAnyOrder("accept", "authorization", "content-length",
                    "content-type", "host", "user-agent", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                    "x-acs-signature-nonce", "x-acs-version");
            assertThat(request.headers().values()).allSatisfy(values -> assertThat(values).hasSize(1));
            assertThat(request.header("accept")).isEqualTo("application/json");
            assertThat(request.header("content-length")).isEqualTo("0");
            assertThat(request.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
            assertThat(request.header("host")).isEqualTo("127.0.0.1:" + gateway.uri().getPort());
            assertThat(request.header("user-agent")).startsWith("Java-http-client/");
            assertThat(request.header("x-acs-action")).isEqualTo("SendSms");
            assertThat(request.header("x-acs-version")).isEqualTo("2017-05-25");
            assertThat(request.header("x-acs-date")).isEqualTo("2026-03-01T08:09:10Z");
            assertThat(request.header("x-acs-signature-nonce")).isEqualTo(NONCE);
            assertThat(request.header("x-acs-content-sha256")).isEqualTo(EMPTY_SHA256).isEqualTo(hex(sha256(request.body())));
            assertThat(request.header("authorization")).isEqualTo("ACS3-HMAC-SHA256 Credential=" + KEY_ID
                    + ",SignedHeaders=" + SIGNED_HEADERS + ",Signature=" + independentSignature(request, SECRET));
        }

        @Test
        void givenTheReceivedRequest_thenEveryAcsHeaderIsSignedAndAnotherSecretWouldNotMatch() throws Exception {
            send(code(PHONE));
            FakeGateway.Request request = gateway.lastRequest();
            String signature = request.header("authorization").replaceAll(".*Signature=", "");
            List<String> signed = List.of(request.header("authorization").replaceAll(".*SignedHeaders=([^,]*),.*", "$1").split(";"));

            assertThat(signed).containsAll(request.headers().keySet().stream()
                    .filter(h -> h.startsWith("x-acs-") || h.equals("host") || h.equals("content-type")).toList());
            assertThat(signature).matches("[0-9a-f]{64}").isEqualTo(independentSignature(request, SECRET));
            assertThat(independentSignature(request, SECRET + "x")).isNotEqualTo(signature);
        }

        @Test
        void givenTheTemplateParam_thenItIsJsonOfExactlyThePurposeParameters() throws SmsException {
            send(code(PHONE));

            assertThat(params(gateway.lastRequest())).containsExactly(
                    Map.entry("PhoneNumbers", "13900000101"),
                    Map.entry("SignName", SIGN),
                    Map.entry("TemplateCode", "SMS_100001"),
                    Map.entry("TemplateParam", "{\"code\":\"" + CODE + "\"}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"+85291234567", "+14155550123", "+886912345678"})
        void givenANumberOutsideTheMainland_thenItKeepsItsCountryCodeWithoutPlus(String number) throws SmsException {
            send(code(number));

            assertThat(params(gateway.lastRequest())).containsEntry("PhoneNumbers", number.substring(1));
        }

        @Test
        void givenTheDefaultNonceSource_thenEachRequestGetsAFreshRandomNonce() {
            String first = AliyunSmsSender.randomNonce();
            String second = AliyunSmsSender.randomNonce();

            assertThat(first).matches("[0-9a-f]{32}");
            assertThat(second).matches("[0-9a-f]{32}").isNotEqualTo(first);
        }
    }

    @Nested
    class GivenOtherPurposes {

        @Test
        void givenAnInitialPassword_thenItsOwnTemplateAndOnlyThePasswordAreSent() throws Exception {
            send(new SmsMessage(PHONE, SmsPurpose.INITIAL_PASSWORD, Locale.ENGLISH, Map.of("password", PASSWORD)));

            FakeGateway.Request request = gateway.lastRequest();
            assertThat(request.rawQuery()).endsWith(
                    "&TemplateCode=SMS_100003&TemplateParam=%7B%22password%22%3A%22Kx7%23pa%20ss%2A~%22%7D");
            assertThat(params(request)).containsEntry("TemplateParam", "{\"password\":\"" + PASSWORD + "\"}");
            assertThat(request.header("authorization")).endsWith("Signature=" + independentSignature(request, SECRET));
        }

        @Test
        void givenAPasswordChangedNotice_thenNoTemplateParamIsSent() throws Exception {
            send(new SmsMessage(PHONE, SmsPurpose.PASSWORD_CHANGED, null, Map.of()));

            FakeGateway.Request request = gateway.lastRequest();
            assertThat(params(request)).containsOnlyKeys("PhoneNumbers", "SignName", "TemplateCode")
                    .containsEntry("TemplateCode", "SMS_100002");
            assertThat(request.header("authorization")).endsWith("Signature=" + independentSignature(request, SECRET));
        }
    }

    @Nested
    class GivenAFailedSend {

        @Test
        void givenTheGatewayNeverAnswers_thenATemporaryFailureWithinTheTimeout() {
            gateway.answer(Answer.json(200, "{\"Code\":\"OK\"}").after(FakeGateway.NEVER));
            Map<String, String> options = options();
            options.put("timeout", "300");

            long start = System.nanoTime();
            SmsException e = catchThrowableOfType(SmsException.class, () -> factory(options).create(null).send(code(PHONE)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e).isNotNull();
            assertThat(e.isPermanent()).isFalse();
            assertThat(e.getVendorCode()).isEqualTo("TIMEOUT");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(3));
            assertNothingSecretIn(e);
        }

        @ParameterizedTest
        @ValueSource(ints = {500, 502, 503, 504})
        void givenAnHttp5xxWithoutJson_thenATemporaryFailure(int status) {
            gateway.answer(new Answer(status, "text/html", "<html>" + status + " Bad Gateway</html>", null));

            SmsException e = failure(code(PHONE));

            assertThat(e.isPermanent()).isFalse();
            assertThat(e.getVendorCode()).isEqualTo("HTTP_" + status);
            assertNothingSecretIn(e);
        }

        @Test
        void givenAnHttp5xxWithAnIsvCode_thenStillTemporary() {
            gateway.answer(Answer.json(503, "{\"Code\":\"isv.SMS_TEMPLATE_ILLEGAL\"}"));

            SmsException e = failure(code(PHONE));

            assertThat(e.isPermanent()).isFalse();
            assertThat(e.getVendorCode()).isEqualTo("isv.SMS_TEMPLATE_ILLEGAL");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"Code\":\"OK\"", "<SendSmsResponse><Code>OK</Code></SendSmsResponse>", "[]", "{}",
                "\"OK\"", ""})
        void givenAMalformedOrCodelessSuccessResponse_thenATemporaryFailure(String body) {
            gateway.answer(new Answer(200, "application/json", body, null));

            SmsException e = failure(code(PHONE));

            assertThat(e.isPermanent()).isFalse();
            assertThat(e.getVendorCode()).isEqualTo("MALFORMED_RESPONSE");
            assertNothingSecretIn(e);
        }

        @Test
        void givenAn4xxWithoutJson_thenThePlainHttpMeaning() {
            gateway.answer(new Answer(404, "text/html", "<html>Not Found</html>", null));

            SmsException e = failure(code(PHONE));

            assertThat(e.isPermanent()).isTrue();
            assertThat(e.getVendorCode()).isEqualTo("HTTP_404");
        }

        @Test
        void givenSignatureDoesNotMatch_thenAliyunsEchoOfTheSignedStringIsNotRepeated() {
            // Aliyun's Message for this code quotes the string it signed: the query, so the number and the code.
            gateway.answer(r -> Answer.json(400, "{\"RequestId\":\"5E0C4D2A-0B5C-4B6E-9C0D-1234567890AB\","
                    + "\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"Specified signature does not match our calculation. "
                    + "The server string to sign is: " + r.rawQuery() + " "
                    + URLDecoder.decode(r.rawQuery(), StandardCharsets.UTF_8).replace("\"", "\\\"") + "\",\"Recommend\":\"https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch\"}"));

            SmsException e = failure(code(PHONE));

            assertThat(e.isPermanent()).isTrue();
            assertThat(e.getVendorCode()).isEqualTo("SignatureDoesNotMatch");
            assertThat(e.getMessage()).contains("139****0101", "SignatureDoesNotMatch", "5E0C4D2A-0B5C-4B6E-9C0D-1234567890AB");
            assertNothingSecretIn(e);
        }
    }

    /**
     * Every SendSms error code found in Aliyun's documentation: the SMS API error codes,
     * https://help.aliyun.com/zh/sms/developer-reference/api-error-codes (also
     * https://help.aliyun.com/document_detail/101346.html and the English
     * https://www.alibabacloud.com/help/en/sms/developer-reference/error-codes), and the OpenAPI
     * gateway's common client/server codes, https://help.aliyun.com/document_detail/435312.html and
     * https://developer.aliyun.com/ask/278265, each with the HTTP status it comes with.
     */
    static Stream<Arguments> documentedCodes() {
        List<Arguments> codes = new ArrayList<>();
        for (String code : List.of(
                // number
                "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
                "isv.BLACK_KEY_CONTROL_LIMIT", "isv.CUSTOMER_REFUSED", "isv.SMS_TEST_NUMBER_LIMIT",
                // template, signature, content
                "isv.SMS_TEMPLATE_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL",
                "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.SIGN_STATE_ILLEGAL", "isv.SMS_SIGN_NAME_ILLEGAL",
                "isv.SIGN_NAME_ILLEGAL", "isv.SMS_SIGN_EMOJI_ILLEGAL", "isv.SIGNATURE_BLACKLIST",
                "isv.SMS_SIGNATURE_SCENE_ILLEGAL", "isv.SMS_TEST_SIGN_TEMPLATE_LIMIT", "isv.SMS_TEST_TEMPLATE_PARAMS_ILLEGAL",
                "isv.SMS_CONTENT_ILLEGAL", "isv.SMS_CONTENT_MISMATCH_TEMPLATE_TYPE", "isv.UNSUPPORTED_CONTENT",
                "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL", "isv.INVALID_JSON_PARAM", "isv.INVALID_PARAMETERS",
                "isv.EXTEND_CODE_ERROR", "isv.ONE_CODE_MULTIPLE_SIGN", "isv.CODE_EXCEED_LIMIT", "isv.CODE_ERROR",
                "isv.SMS_OVER_LIMIT", "PORT_NOT_REGISTERED",
                // account, credit, permission
                "isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE", "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL",
                "isv.PRODUCT_UN_SUBSCRIPT", "isv.PRODUCT_UNSUBSCRIBE", "isv.SECURITY_FROZEN_ACCOUNT", "isv.DENY_IP_RANGE",
                "isp.RAM_PERMISSION_DENY")) {
            codes.add(Arguments.of(code, 200, true));
        }
        for (String code : List.of("isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL",
                "isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "isp.UNKNOWN")) {
            codes.add(Arguments.of(code, 200, false));
        }
        // The OpenAPI gateway: credentials, signature, request shape.
        codes.add(Arguments.of("InvalidAccessKeyId.NotFound", 404, true));
        codes.add(Arguments.of("InvalidAccessKeyId.Inactive", 400, true));
        codes.add(Arguments.of("Forbidden.AccessKeyDisabled", 403, true));
        codes.add(Arguments.of("SignatureDoesNotMatch", 400, true));
        codes.add(Arguments.of("IncompleteSignature", 400, true));
        codes.add(Arguments.of("InvalidSignatureMethod", 400, true));
        codes.add(Arguments.of("InvalidTimeStamp.Format", 400, true));
        codes.add(Arguments.of("InvalidTimeStamp.Expired", 400, true));
        codes.add(Arguments.of("MissingParameter", 400, true));
        codes.add(Arguments.of("MissingPhoneNumbers", 400, true));
        codes.add(Arguments.of("MissingSignName", 400, true));
        codes.add(Arguments.of("MissingTemplateCode", 400, true));
        codes.add(Arguments.of("InvalidParameter", 400, true));
        codes.add(Arguments.of("InvalidParameter.Format", 400, true));
        codes.add(Arguments.of("InvalidApi.NotFound", 404, true));
        codes.add(Arguments.of("InvalidAction.NotFound", 404, true));
        codes.add(Arguments.of("InvalidProduct.NotFound", 404, true));
        codes.add(Arguments.of("InvalidProtocol.NeedSsl", 400, true));
        codes.add(Arguments.of("InvalidVersion", 400, true));
        codes.add(Arguments.of("NoSuchVersion", 400, true));
        codes.add(Arguments.of("UnsupportedHTTPMethod", 403, true));
        codes.add(Arguments.of("UnsupportedOperation", 400, true));
        codes.add(Arguments.of("Forbidden", 403, true));
        codes.add(Arguments.of("Forbidden.RAM", 403, true));
        codes.add(Arguments.of("Forbidden.RiskControl", 403, true));
        codes.add(Arguments.of("Forbidden.UserVerification", 403, true));
        codes.add(Arguments.of("ActionUnauthorized", 403, true));
        codes.add(Arguments.of("SignatureNonceUsed", 400, false));
        codes.add(Arguments.of("Throttling", 400, false));
        codes.add(Arguments.of("Throttling.User", 400, false));
        codes.add(Arguments.of("Throttling.Api", 400, false));
        codes.add(Arguments.of("InternalError", 500, false));
        codes.add(Arguments.of("ServiceUnavailable", 503, false));
        // Undocumented codes fall back on their family and the HTTP status.
        codes.add(Arguments.of("isv.SOMETHING_NEW", 200, true));
        codes.add(Arguments.of("isp.SOMETHING_NEW", 200, false));
        codes.add(Arguments.of("Throttling.SomethingNew", 429, false));
        codes.add(Arguments.of("SomethingNew", 400, true));
        codes.add(Arguments.of("SomethingNew", 502, false));
        return codes.stream();
    }

    @ParameterizedTest(name = "{0} (HTTP {1}) permanent={2}")
    @MethodSource("documentedCodes")
    void givenADocumentedErrorCode_thenItMapsToPermanentOrTemporary(String code, int status, boolean permanent) {
        gateway.answer(Answer.json(status, "{\"RequestId\":\"A1B2C3D4-0000-1111-2222-333344445555\",\"Code\":\"" + code
                + "\",\"Message\":\"mobile 13900000101 code " + CODE + "\",\"BizId\":\"\"}"));

        SmsException e = failure(code(PHONE));

        assertThat(e.isPermanent()).isEqualTo(permanent);
        assertThat(e.getVendorCode()).isEqualTo(code);
        assertThat(e.getMessage()).contains(code, "139****0101", "A1B2C3D4-0000-1111-2222-333344445555");
        assertNothingSecretIn(e);
    }

    @Nested
    class GivenTheConfiguration {

        @ParameterizedTest
        @ValueSource(strings = {"access-key-id", "access-key-secret", "sign-name", "template-verification-code"})
        void givenAMissingOption_thenInitSucceedsAndSendFailsPermanentlyNamingIt(String option) {
            Map<String, String> options = options();
            options.remove(option);
            AliyunSmsSenderProviderFactory factory = factory(options);

            SmsException e = catchThrowableOfType(SmsException.class, () -> factory.create(null).send(code(PHONE)));

            assertThat(e).isNotNull();
            assertThat(e.isPermanent()).isTrue();
            assertThat(e.getVendorCode()).isEqualTo("CONFIG");
            assertThat(e.getMessage()).contains("option " + option + " is missing", "spi-ocq-sms-sender--aliyun--" + option);
            assertThat(gateway.requests()).isEmpty();
            assertThat(factory.getOperationalInfo().get("missing-options")).contains(option);
            assertNothingSecretIn(e);
        }

        @Test
        void givenNoOptionsAtAll_thenStartUpWorksAndSendNamesTheFirstMissingOption() {
            AliyunSmsSenderProviderFactory factory = new AliyunSmsSenderProviderFactory();
            assertThatCode(() -> factory.init(new MapScope(Map.of()))).doesNotThrowAnyException();

            SmsException e = catchThrowableOfType(SmsException.class, () -> factory.create(null).send(code(PHONE)));

            assertThat(e.isPermanent()).isTrue();
            assertThat(e.getMessage()).contains("access-key-id");
            assertThat(factory.getOperationalInfo()).containsEntry("endpoint", "https://dysmsapi.aliyuncs.com")
                    .containsEntry("missing-options", "access-key-id, access-key-secret, sign-name, "
                            + "template-verification-code, template-password-changed, template-initial-password");
        }

        @ParameterizedTest
        @ValueSource(strings = {"ftp://dysmsapi.aliyuncs.com", "not a url", "http:opaque"})
        void givenAnInvalidEndpoint_thenSendFailsPermanentlyNamingIt(String endpoint) {
            Map<String, String> options = options();
            options.put("endpoint", endpoint);

            SmsException e = catchThrowableOfType(SmsException.class, () -> factory(options).create(null).send(code(PHONE)));

            assertThat(e.isPermanent()).isTrue();
            assertThat(e.getMessage()).contains("option endpoint");
        }

        @Test
        void givenOnlyTheVerificationTemplate_thenVerificationCodesStillGoOut() throws SmsException {
            Map<String, String> options = options();
            options.remove("template-initial-password");
            options.remove("template-password-changed");

            assertThat(factory(options).create(null).send(code(PHONE))).isEqualTo("900619746936498440^0");
            SmsException e = catchThrowableOfType(SmsException.class, () -> factory(options).create(null)
                    .send(new SmsMessage(PHONE, SmsPurpose.INITIAL_PASSWORD, null, Map.of("password", PASSWORD))));
            assertThat(e.getMessage()).contains("template-initial-password");
            assertNothingSecretIn(e);
        }

        @Test
        void givenAFullConfiguration_thenServerInfoShowsSettingsButNoCredentials() {
            Map<String, String> info = factory(options()).getOperationalInfo();

            assertThat(info).containsEntry("endpoint", gateway.uri().toString())
                    .containsEntry("sign-name", SIGN)
                    .containsEntry("template-verification-code", "SMS_100001")
                    .containsEntry("template-password-changed", "SMS_100002")
                    .containsEntry("template-initial-password", "SMS_100003")
                    .containsEntry("timeout", "3000 ms")
                    .containsEntry("missing-options", "none")
                    .containsKey("version");
            assertThat(info.toString()).doesNotContain(SECRET, KEY_ID);
        }

        @Test
        void givenTheProviderId_thenItIsAliyun() {
            assertThat(new AliyunSmsSenderProviderFactory().getId()).isEqualTo("aliyun");
        }
    }

    @Test
    void givenSuccessesAndFailures_thenTheLogHoldsNoSecretCodePasswordOrFullNumber() throws SmsException {
        send(code(PHONE));
        send(new SmsMessage(PHONE, SmsPurpose.INITIAL_PASSWORD, null, Map.of("password", PASSWORD)));
        gateway.answer(Answer.json(200, "{\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\"}"));
        SmsException e = failure(code(PHONE));

        assertThat(logs).anySatisfy(line -> assertThat(line).contains("139****0101"));
        assertNothingSecretIn(e);
    }
}
