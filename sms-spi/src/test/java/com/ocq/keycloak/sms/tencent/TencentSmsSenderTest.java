package com.ocq.keycloak.sms.tencent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static com.ocq.keycloak.sms.testing.SenderTests.failure;
import static com.ocq.keycloak.sms.testing.SenderTests.refusedNaming;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.models.KeycloakSession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.testing.FakeGateway;
import com.ocq.keycloak.sms.testing.FakeGateway.Answer;
import com.ocq.keycloak.sms.testing.MapScope;
import com.ocq.keycloak.sms.testing.SenderTests;

class TencentSmsSenderTest {

    static final String SECRET_ID = "AKIDocqTestSecretId0123456789";
    static final String SECRET_KEY = "ocqTestSecretKey0123456789abcdef";
    static final String PHONE = "+8613900000101";
    static final String NATIONAL = "13900000101";
    static final String MASKED = "139****0101";
    static final String CODE = "493817";
    static final String PASSWORD = "Init#Pw-7731";
    static final String SIGN_NAME = "OCQ云智能管理";
    /** 2019-02-25T16:44:25Z, 00:44 on the 26th in Beijing: the credential scope must carry the UTC date. */
    static final long TIMESTAMP = 1551113065L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(TIMESTAMP), ZoneOffset.ofHours(8));

    static final ObjectMapper JSON = new ObjectMapper();

    FakeGateway gateway;

    @BeforeEach
    void startGateway() {
        gateway = new FakeGateway().answer(Answer.json(200, ok("2019:538884*********")));
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("secret-id", SECRET_ID);
        options.put("secret-key", SECRET_KEY);
        options.put("sdk-app-id", "1400006666");
        options.put("sign-name", SIGN_NAME);
        options.put("template-verification-code", "1001");
        options.put("template-password-changed", "1002");
        options.put("template-initial-password", "1003");
        options.put("endpoint", gateway.uri().toString());
        return options;
    }

    static TencentSmsSenderProviderFactory factory(Map<String, String> options) {
        return SenderTests.initialized(new TencentSmsSenderProviderFactory(CLOCK), options);
    }

    static SmsSenderProvider sender(Map<String, String> options) {
        return factory(options).create(null);
    }

    static SmsMessage message(SmsPurpose purpose) {
        return switch (purpose) {
            case VERIFICATION_CODE -> new SmsMessage(PHONE, purpose, Locale.SIMPLIFIED_CHINESE, Map.of("code", CODE));
            case PASSWORD_CHANGED -> new SmsMessage(PHONE, purpose, Locale.SIMPLIFIED_CHINESE, Map.of());
            case INITIAL_PASSWORD -> new SmsMessage(PHONE, purpose, Locale.SIMPLIFIED_CHINESE, Map.of("password", PASSWORD));
        };
    }

    static String ok(String serialNo) {
        return "{\"Response\":{\"SendStatusSet\":[{\"SerialNo\":\"" + serialNo + "\",\"PhoneNumber\":\"" + PHONE
                + "\",\"Fee\":1,\"SessionContext\":\"\",\"Code\":\"Ok\",\"Message\":\"send success\",\"IsoCode\":\"CN\"}],"
                + "\"RequestId\":\"a0aabda6-cf91-4f3e-a81f-9198114a2279\"}}";
    }

    static String error(String code) {
        // Tencent's Message may repeat the number or the parameters: it must never reach our messages.
        return "{\"Response\":{\"Error\":{\"Code\":\"" + code + "\",\"Message\":\"" + PHONE + " " + CODE
                + "\"},\"RequestId\":\"b5d1b0a3-0c1e-4c57-9a70-2b1f2fb1c0f3\"}}";
    }

    static String statusCode(String code) {
        return "{\"Response\":{\"SendStatusSet\":[{\"SerialNo\":\"\",\"PhoneNumber\":\"" + PHONE + "\",\"Fee\":0,"
                + "\"Code\":\"" + code + "\",\"Message\":\"" + PHONE + " " + CODE + "\",\"IsoCode\":\"CN\"}],"
                + "\"RequestId\":\"c2f1e7a4-5d3b-4a7e-8f10-3e2d1c0b9a87\"}}";
    }

    /** Every message in the exception and its causes. */
    static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    static void assertNothingSecretIn(String text) {
        assertThat(text).doesNotContain(SECRET_KEY, CODE, PASSWORD, NATIONAL, "8613900000101");
    }

    /**
     * TC3-HMAC-SHA256 written again, plainly, from Tencent's documentation: the test's own check of
     * what the sender computes. Returns the whole Authorization value.
     */
    static String independentAuthorization(String secretId, String secretKey, String service, String method, String path,
            String query, String contentType, String host, String body, long timestamp) throws Exception {
        String date = LocalDate.ofInstant(Instant.ofEpochSecond(timestamp), ZoneOffset.UTC).toString();
        String canonical = method + "\n" + path + "\n" + (query == null ? "" : query) + "\n"
                + "content-type:" + contentType + "\n" + "host:" + host + "\n" + "\n"
                + "content-type;host" + "\n" + sha256(body);
        String scope = date + "/" + service + "/tc3_request";
        String toSign = "TC3-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + sha256(canonical);
        byte[] key = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, service);
        key = hmac(key, "tc3_request");
        return "TC3-HMAC-SHA256 Credential=" + secretId + "/" + scope + ", SignedHeaders=content-type;host, Signature="
                + hex(hmac(key, toSign));
    }

    static String independentAuthorization(FakeGateway.Request r, String secretKey) throws Exception {
        Matcher credential = Pattern.compile("Credential=([^/]+)/").matcher(r.header("authorization"));
        assertThat(credential.find()).as("Authorization names a credential").isTrue();
        return independentAuthorization(credential.group(1), secretKey, "sms", r.method(), r.path(), r.rawQuery(),
                r.header("content-type"), r.header("host"), r.body(), Long.parseLong(r.header("x-tc-timestamp")));
    }

    static String sha256(String s) throws Exception {
        return hex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] hmac(byte[] key, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    /**
     * The worked example of Tencent Cloud's "Signature v3" documentation (CVM DescribeInstances,
     * Guangzhou): https://www.tencentcloud.com/document/api/213/33224 (in Chinese:
     * https://cloud.tencent.com/document/api/213/30654). Its section "3. Calculating the Signature"
     * gives the full example SecretKey; the expected strings below are the document's own.
     */
    @Nested
    class GivenTencentsPublishedSigningExample {

        static final String SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
        static final String SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
        static final String HOST = "cvm.tencentcloudapi.com";
        static final String CONTENT_TYPE = "application/json; charset=utf-8";
        static final long TIMESTAMP = 1551113065L;
        static final String PAYLOAD = "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}";
        static final String CANONICAL_REQUEST = "POST\n/\n\ncontent-type:application/json; charset=utf-8\n"
                + "host:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
                + "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
        static final String STRING_TO_SIGN = "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
                + "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031";
        static final String SIGNATURE = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

        @Test
        void thenTheCanonicalRequestIsTheDocumentsOwn() {
            assertThat(Tc3Signer.canonicalRequest(HOST, CONTENT_TYPE, PAYLOAD)).isEqualTo(CANONICAL_REQUEST);
        }

        @Test
        void thenTheStringToSignIsTheDocumentsOwn() {
            assertThat(Tc3Signer.stringToSign(TIMESTAMP, Tc3Signer.credentialScope("cvm", TIMESTAMP), CANONICAL_REQUEST))
                    .isEqualTo(STRING_TO_SIGN);
        }

        @Test
        void thenTheSignatureIsTheDocumentsOwn() {
            assertThat(Tc3Signer.signature(SECRET_KEY, "cvm", TIMESTAMP, STRING_TO_SIGN)).isEqualTo(SIGNATURE);
        }

        @Test
        void thenTheAuthorizationHeaderIsTheDocumentsOwn() {
            assertThat(Tc3Signer.authorization(SECRET_ID, SECRET_KEY, "cvm", HOST, CONTENT_TYPE, PAYLOAD, TIMESTAMP))
                    .isEqualTo("TC3-HMAC-SHA256 Credential=" + SECRET_ID + "/2019-02-25/cvm/tc3_request, "
                            + "SignedHeaders=content-type;host, Signature=" + SIGNATURE);
        }

        @Test
        void thenTheTestsOwnVerifierAgreesWithTheDocumentToo() throws Exception {
            assertThat(independentAuthorization(SECRET_ID, SECRET_KEY, "cvm", "POST", "/", "", CONTENT_TYPE, HOST, PAYLOAD,
                    TIMESTAMP)).endsWith("Signature=" + SIGNATURE);
        }
    }

    @Nested
    class WhenAVerificationCodeIsSent {

        String serialNo;
        FakeGateway.Request request;

        @BeforeEach
        void send() throws SmsException {
            serialNo = sender(options()).send(message(SmsPurpose.VERIFICATION_CODE));
            assertThat(gateway.requests()).hasSize(1);
            request = gateway.lastRequest();
        }

        @Test
        void thenTheSerialNoIsTheMessageId() {
            assertThat(serialNo).isEqualTo("2019:538884*********");
        }

        @Test
        void thenItIsOnePostToTheRootPath() {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/");
            assertThat(request.rawQuery()).isNull();
        }

        @Test
        void thenTheBodyIsExactlyTheSendSmsParameters() {
            assertThat(request.body()).isEqualTo("{\"PhoneNumberSet\":[\"+8613900000101\"],\"SmsSdkAppId\":\"1400006666\","
                    + "\"SignName\":\"OCQ云智能管理\",\"TemplateId\":\"1001\",\"TemplateParamSet\":[\"493817\"]}");
        }

        @Test
        void thenTheHeadersAreTencentsAndNothingElse() {
            assertThat(request.headers().keySet()).containsExactlyInAnyOrder("authorization", "content-length",
                    "content-type", "host", "user-agent", "x-tc-action", "x-tc-region", "x-tc-timestamp", "x-tc-version");
            assertThat(request.header("content-type")).isEqualTo("application/json; charset=utf-8");
            assertThat(request.header("host")).isEqualTo("127.0.0.1:" + gateway.uri().getPort());
            assertThat(request.header("x-tc-action")).isEqualTo("SendSms");
            assertThat(request.header("x-tc-version")).isEqualTo("2021-01-11");
            assertThat(request.header("x-tc-timestamp")).isEqualTo("1551113065");
            assertThat(request.header("x-tc-region")).isEqualTo("ap-guangzhou");
            assertThat(request.header("content-length"))
                    .isEqualTo(String.valueOf(request.body().getBytes(StandardCharsets.UTF_8).length));
            assertThat(request.header("authorization")).matches("TC3-HMAC-SHA256 Credential=" + SECRET_ID
                    + "/2019-02-25/sms/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}");
        }

        @Test
        void thenTheSignatureVerifiesIndependentlyFromWhatWasReceived() throws Exception {
            assertThat(request.header("authorization")).isEqualTo(independentAuthorization(request, SECRET_KEY));
        }

        @Test
        void thenTheSignatureWouldNotVerifyForAnotherBodyOrKey() throws Exception {
            FakeGateway.Request tampered = new FakeGateway.Request(request.method(), request.path(), request.rawQuery(),
                    request.headers(), request.body().replace("493817", "000000"));
            assertThat(request.header("authorization")).isNotEqualTo(independentAuthorization(tampered, SECRET_KEY))
                    .isNotEqualTo(independentAuthorization(request, SECRET_KEY + "x"));
        }
    }

    @Nested
    class GivenEachPurpose {

        @ParameterizedTest
        @EnumSource(SmsPurpose.class)
        void thenItsTemplateAndOnlyItsParametersInOrderAreSent(SmsPurpose purpose) throws Exception {
            sender(options()).send(message(purpose));

            JsonNode body = JSON.readTree(gateway.lastRequest().body());
            Map<SmsPurpose, String> templates = Map.of(SmsPurpose.VERIFICATION_CODE, "1001",
                    SmsPurpose.PASSWORD_CHANGED, "1002", SmsPurpose.INITIAL_PASSWORD, "1003");
            Map<SmsPurpose, List<String>> parameters = Map.of(SmsPurpose.VERIFICATION_CODE, List.of(CODE),
                    SmsPurpose.PASSWORD_CHANGED, List.of(), SmsPurpose.INITIAL_PASSWORD, List.of(PASSWORD));
            assertThat(body.path("TemplateId").asText()).isEqualTo(templates.get(purpose));
            List<String> sent = new ArrayList<>();
            body.path("TemplateParamSet").forEach(p -> sent.add(p.asText()));
            assertThat(body.path("TemplateParamSet").isArray()).isTrue();
            assertThat(sent).containsExactlyElementsOf(parameters.get(purpose));
            assertThat(gateway.lastRequest().header("authorization"))
                    .isEqualTo(independentAuthorization(gateway.lastRequest(), SECRET_KEY));
        }

        @Test
        void givenAnotherRegionThenItIsTheRegionHeader() throws SmsException {
            Map<String, String> options = options();
            options.put("region", "ap-beijing");
            sender(options).send(message(SmsPurpose.VERIFICATION_CODE));
            assertThat(gateway.lastRequest().header("x-tc-region")).isEqualTo("ap-beijing");
        }
    }

    static Stream<Arguments> documentedCodes() {
        // SendSms error codes of API 2021-01-11 (https://cloud.tencent.com/document/api/382/55981, section
        // "5. 错误码"; the same list is in the official SDKs), then the common error codes of every
        // TencentCloud API (https://cloud.tencent.com/document/api/382/52075). true = permanent.
        return Stream.of(
                Arguments.of("FailedOperation.ContainSensitiveWord", true),
                Arguments.of("FailedOperation.FailResolvePacket", true),
                Arguments.of("FailedOperation.InsufficientBalanceInSmsPackage", true),
                Arguments.of("FailedOperation.JsonParseFail", true),
                Arguments.of("FailedOperation.MarketingSendTimeConstraint", true),
                Arguments.of("FailedOperation.PhoneNumberInBlacklist", true),
                Arguments.of("FailedOperation.SignatureIncorrectOrUnapproved", true),
                Arguments.of("FailedOperation.TemplateIncorrectOrUnapproved", true),
                Arguments.of("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", true),
                Arguments.of("FailedOperation.TemplateUnapprovedOrNotExist", true),
                Arguments.of("InternalError.OtherError", false),
                Arguments.of("InternalError.RequestTimeException", false),
                Arguments.of("InternalError.RestApiInterfaceNotExist", false),
                Arguments.of("InternalError.SendAndRecvFail", false),
                Arguments.of("InternalError.SigFieldMissing", false),
                Arguments.of("InternalError.SigVerificationFail", false),
                Arguments.of("InternalError.Timeout", false),
                Arguments.of("InternalError.UnknownError", false),
                Arguments.of("InvalidParameterValue.ContentLengthLimit", true),
                Arguments.of("InvalidParameterValue.IncorrectPhoneNumber", true),
                Arguments.of("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", true),
                Arguments.of("InvalidParameterValue.SdkAppIdNotExist", true),
                Arguments.of("InvalidParameterValue.TemplateParameterFormatError", true),
                Arguments.of("InvalidParameterValue.TemplateParameterLengthLimit", true),
                Arguments.of("LimitExceeded.AppCountryOrRegionDailyLimit", false),
                Arguments.of("LimitExceeded.AppCountryOrRegionInBlacklist", true),
                Arguments.of("LimitExceeded.AppDailyLimit", false),
                Arguments.of("LimitExceeded.AppGlobalDailyLimit", false),
                Arguments.of("LimitExceeded.AppMainlandChinaDailyLimit", false),
                Arguments.of("LimitExceeded.DailyLimit", false),
                Arguments.of("LimitExceeded.DeliveryFrequencyLimit", false),
                Arguments.of("LimitExceeded.PhoneNumberCountLimit", true),
                Arguments.of("LimitExceeded.PhoneNumberDailyLimit", false),
                Arguments.of("LimitExceeded.PhoneNumberOneHourLimit", false),
                Arguments.of("LimitExceeded.PhoneNumberSameContentDailyLimit", false),
                Arguments.of("LimitExceeded.PhoneNumberThirtySecondLimit", false),
                Arguments.of("MissingParameter.EmptyPhoneNumberSet", true),
                Arguments.of("UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny", true),
                Arguments.of("UnauthorizedOperation.RequestIpNotInWhitelist", true),
                Arguments.of("UnauthorizedOperation.RequestPermissionDeny", true),
                Arguments.of("UnauthorizedOperation.SdkAppIdIsDisabled", true),
                Arguments.of("UnauthorizedOperation.ServiceSuspendDueToArrears", true),
                Arguments.of("UnauthorizedOperation.SmsSdkAppIdVerifyFail", true),
                Arguments.of("UnsupportedOperation.", true),
                Arguments.of("UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone", true),
                Arguments.of("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber", true),
                Arguments.of("UnsupportedOperation.GlobalTemplateToChineseMainlandPhone", true),
                Arguments.of("UnsupportedOperation.UnsupportedRegion", true),
                // Spellings of earlier versions of the same documentation.
                Arguments.of("UnauthorizedOperation.SerivceSuspendDueToArrears", true),
                Arguments.of("UnauthorizedOperation.SdkAppidIsDisabled", true),
                Arguments.of("UnauthorizedOperation.SmsSdkAppidVerifyFail", true),
                Arguments.of("UnsupportedOperation.UnsuportedRegion", true),
                Arguments.of("InternalError.JsonParseFail", false),
                // Common error codes.
                Arguments.of("ActionOffline", true),
                Arguments.of("AuthFailure.InvalidAuthorization", true),
                Arguments.of("AuthFailure.InvalidSecretId", true),
                Arguments.of("AuthFailure.MFAFailure", true),
                Arguments.of("AuthFailure.SecretIdNotFound", true),
                Arguments.of("AuthFailure.SignatureExpire", true),
                Arguments.of("AuthFailure.SignatureFailure", true),
                Arguments.of("AuthFailure.TokenFailure", true),
                Arguments.of("AuthFailure.UnauthorizedOperation", true),
                Arguments.of("DryRunOperation", true),
                Arguments.of("FailedOperation", true),
                Arguments.of("InternalError", false),
                Arguments.of("InvalidAction", true),
                Arguments.of("InvalidParameter", true),
                Arguments.of("InvalidParameterValue", true),
                Arguments.of("InvalidRequest", true),
                Arguments.of("IpInBlacklist", true),
                Arguments.of("IpNotInWhitelist", true),
                Arguments.of("LimitExceeded", false),
                Arguments.of("MissingParameter", true),
                Arguments.of("NoSuchProduct", true),
                Arguments.of("NoSuchVersion", true),
                Arguments.of("RequestLimitExceeded", false),
                Arguments.of("RequestLimitExceeded.GlobalRegionUinLimitExceeded", false),
                Arguments.of("RequestLimitExceeded.IPLimitExceeded", false),
                Arguments.of("RequestLimitExceeded.UinLimitExceeded", false),
                Arguments.of("RequestSizeLimitExceeded", true),
                Arguments.of("ResourceInUse", false),
                Arguments.of("ResourceInsufficient", false),
                Arguments.of("ResourceNotFound", true),
                Arguments.of("ResourceUnavailable", false),
                Arguments.of("ResponseSizeLimitExceeded", true),
                Arguments.of("ServiceUnavailable", false),
                Arguments.of("UnauthorizedOperation", true),
                Arguments.of("UnknownParameter", true),
                Arguments.of("UnsupportedOperation", true),
                Arguments.of("UnsupportedProtocol", true),
                Arguments.of("UnsupportedRegion", true),
                // Not documented: unknown codes are permanent, except Tencent's internal errors.
                Arguments.of("FailedOperation.SomethingNew", true),
                Arguments.of("SomethingElse", true),
                Arguments.of("InternalError.SomethingNew", false),
                Arguments.of("RequestLimitExceeded.SomethingNew", false));
    }

    @Nested
    class GivenTencentRefuses {

        @ParameterizedTest(name = "{0} permanent={1}")
        @MethodSource("com.ocq.keycloak.sms.tencent.TencentSmsSenderTest#documentedCodes")
        void whenTheResponseIsAnErrorThenItsCodeDecidesPermanence(String code, boolean permanent) {
            gateway.answer(Answer.json(200, error(code)));
            SmsException e = failure(sender(options()), message(SmsPurpose.VERIFICATION_CODE), permanent, code);
            assertThat(e.getMessage()).contains(code, MASKED);
            assertNothingSecretIn(messages(e));
        }

        @ParameterizedTest(name = "{0} permanent={1}")
        @MethodSource("com.ocq.keycloak.sms.tencent.TencentSmsSenderTest#documentedCodes")
        void whenTheSendStatusHasAnotherCodeThanOkThenItsCodeDecidesPermanence(String code, boolean permanent) {
            gateway.answer(Answer.json(200, statusCode(code)));
            SmsException e = failure(sender(options()), message(SmsPurpose.INITIAL_PASSWORD), permanent, code);
            assertNothingSecretIn(messages(e));
        }

        @Test
        void whenAFourHundredCarriesATencentErrorThenTheErrorCodeDecides() {
            gateway.answer(Answer.json(400, error("LimitExceeded.PhoneNumberOneHourLimit")));
            failure(sender(options()), message(SmsPurpose.VERIFICATION_CODE), false, "LimitExceeded.PhoneNumberOneHourLimit");
        }

        @Test
        void whenAFourHundredSaysNothingTencentThenItIsPermanent() {
            gateway.answer(new Answer(403, "text/html", "<html>Forbidden</html>", null));
            failure(sender(options()), message(SmsPurpose.VERIFICATION_CODE), true, "HTTP_403");
        }
    }

    @Nested
    class GivenTencentIsInTrouble {

        @ParameterizedTest
        @ValueSource(ints = {500, 502, 503, 504})
        void whenItAnswersAFiveHundredThenTheFailureIsTemporary(int status) {
            gateway.answer(Answer.json(status, error("AuthFailure.SignatureFailure")));
            failure(sender(options()), message(SmsPurpose.VERIFICATION_CODE), false, "HTTP_" + status);
        }

        @ParameterizedTest
        @ValueSource(strings = {"not json", "", "<html><body>502 Bad Gateway</body></html>", "[1,2]", "{}",
            "{\"Response\":{}}", "{\"Response\":{\"SendStatusSet\":[]}}", "{\"Response\":{\"SendStatusSet\":[\"Ok\"]}}",
            "{\"Response\":{\"Error\":{}}}", "{\"Response\":{\"Error\":{\"Code\":\"<script>\"}}}",
            "{\"Response\":{\"SendStatusSet\":[{\"Code\":\"Ok\""})
        void whenTheAnswerIsMalformedThenTheFailureIsTemporary(String body) {
            gateway.answer(new Answer(200, "application/json", body, null));
            SmsException e = failure(sender(options()), message(SmsPurpose.VERIFICATION_CODE), false, "MALFORMED_RESPONSE");
            assertThat(e.getMessage()).contains(MASKED).doesNotContain("<script>");
        }

        @Test
        @Timeout(10)
        void whenItDoesNotAnswerWithinTheTimeoutThenTheFailureIsTemporaryAndPrompt() {
            Map<String, String> options = options();
            options.put("timeout", "300");
            gateway.answer(Answer.json(200, ok("late")).after(FakeGateway.NEVER));
            SmsException e = SenderTests.timeoutFailure(sender(options), message(SmsPurpose.VERIFICATION_CODE));
            assertNothingSecretIn(messages(e));
        }

        @Test
        void whenItIsUnreachableThenTheFailureIsTemporary() {
            Map<String, String> options = options();
            gateway.close();
            failure(sender(options), message(SmsPurpose.VERIFICATION_CODE), false, "IO");
        }
    }

    @Nested
    class GivenTheConfiguration {

        @Test
        void givenNoOptionsThenStartUpSucceedsAndEverySendFailsPermanentlyNamingThem() {
            TencentSmsSenderProviderFactory factory = new TencentSmsSenderProviderFactory();
            assertThatCode(() -> factory.init(new MapScope(Map.of()))).doesNotThrowAnyException();
            SmsException e = failure(factory.create(null), message(SmsPurpose.VERIFICATION_CODE), true, "CONFIGURATION");
            assertThat(e.getMessage()).contains("secret-id", "secret-key", "sdk-app-id", "sign-name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"secret-id", "secret-key", "sdk-app-id", "sign-name"})
        void givenARequiredOptionMissingThenSendFailsPermanentlyNamingItWithoutCallingTencent(String option) {
            Map<String, String> options = options();
            options.remove(option);
            SmsException e = refusedNaming(gateway, sender(options), message(SmsPurpose.VERIFICATION_CODE), option);
            assertNothingSecretIn(messages(e));
        }

        @Test
        void givenABlankOptionThenItCountsAsMissing() {
            Map<String, String> options = options();
            options.put("sdk-app-id", "  ");
            SmsException e = failure(sender(options), message(SmsPurpose.VERIFICATION_CODE));
            assertThat(e.getMessage()).contains("sdk-app-id");
        }

        @Test
        void givenNoTemplateForAPurposeThenOnlyThatPurposeFailsNamingTheOption() throws SmsException {
            Map<String, String> options = options();
            options.remove("template-initial-password");
            SmsSenderProvider sender = sender(options);

            refusedNaming(gateway, sender, message(SmsPurpose.INITIAL_PASSWORD), "template-initial-password");
            assertThat(sender.send(message(SmsPurpose.VERIFICATION_CODE))).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"ftp://sms.tencentcloudapi.com", "not a url", "https://"})
        void givenAnInvalidEndpointThenStartUpSucceedsAndSendFailsNamingIt(String endpoint) {
            Map<String, String> options = options();
            options.put("endpoint", endpoint);
            TencentSmsSenderProviderFactory factory = new TencentSmsSenderProviderFactory(CLOCK);
            assertThatCode(() -> factory.init(new MapScope(options))).doesNotThrowAnyException();
            refusedNaming(gateway, factory.create(null), message(SmsPurpose.VERIFICATION_CODE), "endpoint");
        }

        @Test
        void thenTheOperationalInfoShowsTheSettingsAndNoSecret() {
            Map<String, String> options = options();
            options.remove("endpoint");
            Map<String, String> info = factory(options).getOperationalInfo();
            assertThat(info).containsEntry("endpoint", "https://sms.tencentcloudapi.com")
                    .containsEntry("region", "ap-guangzhou").containsEntry("sdkAppId", "1400006666")
                    .containsEntry("signName", SIGN_NAME).containsEntry("configured", "true").containsKey("version");
            assertThat(String.join("|", info.values()) + String.join("|", info.keySet()))
                    .doesNotContain(SECRET_KEY, SECRET_ID);
        }

        @Test
        void givenNothingConfiguredThenTheOperationalInfoSaysSo() {
            assertThat(factory(Map.of()).getOperationalInfo()).containsEntry("configured", "false")
                    .containsEntry("sdkAppId", "(not set)");
        }
    }

    /**
     * A session that fails every call, as a closed one would. (A session with a working vault needs
     * KeycloakContext, whose methods name JAX-RS types that are not on this module's test class path.)
     */
    static KeycloakSession closedSession() {
        return (KeycloakSession) Proxy.newProxyInstance(KeycloakSession.class.getClassLoader(),
                new Class<?>[] {KeycloakSession.class}, (self, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? self == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(self) : "closed session";
                    }
                    throw new IllegalStateException("The session is closed");
                });
    }

    @Nested
    class GivenTheSession {

        @Test
        void thenTheSenderNeverTouchesItToSend() throws Exception {
            SmsSenderProvider sender = factory(options()).create(closedSession());

            assertThat(sender.send(message(SmsPurpose.VERIFICATION_CODE))).isEqualTo("2019:538884*********");
            assertThat(gateway.lastRequest().header("authorization"))
                    .isEqualTo(independentAuthorization(gateway.lastRequest(), SECRET_KEY));
        }

        @Test
        void givenAVaultReferenceThatCannotBeResolvedThenTheReferenceIsNeverUsedAsTheKey() {
            Map<String, String> options = options();
            options.put("secret-key", "${vault.tencent_secret_key}");
            // Without a realm in context (here: no session) SenderConfig hands the reference back unresolved.
            SmsException e = refusedNaming(gateway, factory(options).create(null), message(SmsPurpose.VERIFICATION_CODE), "secret-key");
            assertThat(e.getMessage()).doesNotContain("tencent_secret_key");
        }
    }

    /** Captures everything this package logs, at every level, through java.util.logging (JBoss Logging's backend here). */
    static final class CapturedLog extends Handler implements AutoCloseable {
        final java.util.logging.Logger logger = java.util.logging.Logger.getLogger("com.ocq.keycloak.sms.tencent");
        final Level previous = logger.getLevel();
        final List<String> lines = new CopyOnWriteArrayList<>();

        CapturedLog() {
            setLevel(Level.ALL);
            logger.setLevel(Level.ALL);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(previous);
        }
    }

    @Nested
    class GivenSecretsAndPersonalData {

        @Test
        void thenNoFailureMessageNorLogLineCarriesTheSecretTheCodeThePasswordOrTheFullNumber() throws Exception {
            List<String> texts = new ArrayList<>();
            try (CapturedLog log = new CapturedLog()) {
                sender(options()).send(message(SmsPurpose.VERIFICATION_CODE));
                for (String body : List.of(error("InvalidParameterValue.IncorrectPhoneNumber"),
                        statusCode("LimitExceeded.PhoneNumberDailyLimit"), "not json")) {
                    gateway.answer(Answer.json(200, body));
                    for (SmsPurpose purpose : SmsPurpose.values()) {
                        texts.add(messages(failure(sender(options()), message(purpose))));
                    }
                }
                gateway.answer(Answer.json(503, error("InternalError.OtherError")));
                texts.add(messages(failure(sender(options()), message(SmsPurpose.INITIAL_PASSWORD))));
                Map<String, String> incomplete = options();
                incomplete.remove("secret-id");
                texts.add(messages(failure(sender(incomplete), message(SmsPurpose.INITIAL_PASSWORD))));
                factory(incomplete);
                texts.addAll(log.lines);

                assertThat(log.lines).as("the capture works: the masked number is logged")
                        .anyMatch(line -> line.contains(MASKED));
            }
            assertThat(texts).hasSizeGreaterThan(10);
            texts.forEach(TencentSmsSenderTest::assertNothingSecretIn);
            assertThat(String.join("\n", texts)).doesNotContain(SECRET_ID);
        }
    }
}
