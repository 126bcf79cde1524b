package com.ocq.keycloak.sms.tencent;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsHttp;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * Sends one message with Tencent Cloud SMS {@code SendSms} (API version 2021-01-11). Holds
 * everything it needs, so it may run on another thread after the Keycloak session closed.
 */
final class TencentSmsSender implements SmsSenderProvider {

    private static final Logger LOG = Logger.getLogger(TencentSmsSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String SERVICE = "sms";
    static final String ACTION = "SendSms";
    static final String VERSION = "2021-01-11";
    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    /**
     * Codes after which a retry, later or at another gateway, may succeed: rate and volume limits
     * and Tencent's own trouble. Every other code, unknown ones included, is permanent: an invalid
     * number, a rejected sign or template, no credit, failed authentication or a request Tencent
     * cannot accept will fail the same way again.
     */
    static final Set<String> TEMPORARY_CODES = Set.of(
            "InternalError",
            "LimitExceeded",
            "LimitExceeded.AppCountryOrRegionDailyLimit",
            "LimitExceeded.AppDailyLimit",
            "LimitExceeded.AppGlobalDailyLimit",
            "LimitExceeded.AppMainlandChinaDailyLimit",
            "LimitExceeded.DailyLimit",
            "LimitExceeded.DeliveryFrequencyLimit",
            "LimitExceeded.PhoneNumberDailyLimit",
            "LimitExceeded.PhoneNumberOneHourLimit",
            "LimitExceeded.PhoneNumberSameContentDailyLimit",
            "LimitExceeded.PhoneNumberThirtySecondLimit",
            "RequestLimitExceeded",
            "ResourceInUse",
            "ResourceInsufficient",
            "ResourceUnavailable",
            "ServiceUnavailable");
    /** Families that are temporary whatever their suffix, including ones Tencent adds later. */
    static final Set<String> TEMPORARY_PREFIXES = Set.of("InternalError.", "RequestLimitExceeded.");

    /** Everything but the secret key, read once by the factory. */
    record Settings(URI endpoint, String region, String secretId, String sdkAppId, String signName,
            Map<SmsPurpose, String> templates) {
    }

    private final Settings settings;
    private final String secretKey;
    private final String problem;
    private final SmsHttp http;
    private final Clock clock;

    /**
     * @param problem why this sender cannot send (a missing option, named), or {@code null}
     */
    TencentSmsSender(Settings settings, String secretKey, String problem, SmsHttp http, Clock clock) {
        this.settings = settings;
        this.secretKey = secretKey;
        this.problem = problem;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String send(SmsMessage message) throws SmsException {
        if (problem != null) {
            throw SmsException.permanent(problem, "CONFIGURATION");
        }
        String templateId = settings.templates().get(message.purpose());
        if (templateId == null) {
            throw SmsException.permanent("SMS sender 'tencent' is missing the option "
                    + TencentSmsSenderProviderFactory.templateOption(message.purpose()), "CONFIGURATION");
        }
        String masked = PhoneNumbers.mask(message.phoneNumber());
        String body = body(message, templateId);
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", Tc3Signer.authorization(settings.secretId(), secretKey, SERVICE,
                host(settings.endpoint()), CONTENT_TYPE, body, timestamp));
        headers.put("X-TC-Action", ACTION);
        headers.put("X-TC-Version", VERSION);
        headers.put("X-TC-Timestamp", Long.toString(timestamp));
        headers.put("X-TC-Region", settings.region());

        SmsHttp.Response response = http.post(settings.endpoint().resolve("/"), headers, CONTENT_TYPE, body);
        if (response.status() >= 500) {
            throw SmsHttp.statusFailure("Tencent SMS", response);
        }
        JsonNode answer = parse(response.body()).path("Response");
        JsonNode error = answer.path("Error");
        if (error.isObject()) {
            throw failure(error.path("Code"), masked, answer.path("RequestId").asText(null));
        }
        if (!response.is2xx()) {
            throw SmsHttp.statusFailure("Tencent SMS", response);
        }
        JsonNode status = answer.path("SendStatusSet").path(0);
        if (!status.isObject()) {
            throw SmsException.temporary("Tencent SMS gave a malformed answer for " + masked, "MALFORMED_RESPONSE", null);
        }
        if (!"Ok".equalsIgnoreCase(status.path("Code").asText())) {
            throw failure(status.path("Code"), masked, answer.path("RequestId").asText(null));
        }
        String serialNo = status.path("SerialNo").asText(null);
        LOG.debugf("Tencent SMS %s to %s accepted: SerialNo %s, RequestId %s", message.purpose(), masked, serialNo,
                answer.path("RequestId").asText(null));
        return serialNo;
    }

    /** Only the purpose's own parameters, in template order, reach the message. */
    private String body(SmsMessage message, String templateId) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("PhoneNumberSet").add(message.phoneNumber());
        body.put("SmsSdkAppId", settings.sdkAppId());
        body.put("SignName", settings.signName());
        body.put("TemplateId", templateId);
        ArrayNode parameters = body.putArray("TemplateParamSet");
        for (String name : message.purpose().parameters()) {
            parameters.add(message.parameters().get(name));
        }
        return body.toString();
    }

    /** The Host the HTTP client sends, and so the one to sign: with the port when the endpoint names one. */
    static String host(URI endpoint) {
        return endpoint.getPort() == -1 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    }

    /** Whether retrying, later or through another gateway, may help after this Tencent error code. */
    static boolean isTemporary(String code) {
        return TEMPORARY_CODES.contains(code) || TEMPORARY_PREFIXES.stream().anyMatch(code::startsWith);
    }

    private static SmsException failure(JsonNode codeNode, String masked, String requestId) {
        String code = codeNode.asText("");
        if (!code.matches("[A-Za-z0-9.]{1,100}")) {
            return SmsException.temporary("Tencent SMS gave a malformed answer for " + masked, "MALFORMED_RESPONSE", null);
        }
        LOG.debugf("Tencent SMS to %s failed with %s, RequestId %s", masked, code, requestId);
        String text = "Tencent SMS did not send to " + masked + ": " + code;
        return isTemporary(code) ? SmsException.temporary(text, code, null) : SmsException.permanent(text, code);
    }

    /** The parsed body; a missing node for anything that is not JSON, so that it reads as malformed. */
    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null ? null : JSON.readTree(body);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
