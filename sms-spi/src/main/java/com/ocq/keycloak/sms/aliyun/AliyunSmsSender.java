package com.ocq.keycloak.sms.aliyun;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsHttp;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsSenderSpi;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * Sends through Alibaba Cloud SMS (Dysms {@code SendSms}, API version {@value #VERSION}), signed
 * with the V3 signature. Holds everything it needs, so it never touches the Keycloak session.
 */
final class AliyunSmsSender implements SmsSenderProvider {

    static final String ACTION = "SendSms";
    static final String VERSION = "2017-05-25";
    /** RPC-style parameters travel in the query string; the body is empty. */
    static final String CONTENT_TYPE = "application/x-www-form-urlencoded";

    /** Failures that retrying (here or at another gateway) may fix. */
    static final Set<String> TEMPORARY_CODES = Set.of(
            "isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL",
            "isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "isp.UNKNOWN",
            "Throttling", "Throttling.User", "Throttling.Api",
            "ServiceUnavailable", "InternalError", "SignatureNonceUsed");

    /** Documented codes that are permanent although the fallback rules below would say otherwise. */
    static final Set<String> PERMANENT_CODES = Set.of("isp.RAM_PERMISSION_DENY");

    private static final Logger LOG = Logger.getLogger(AliyunSmsSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SmsHttp http;
    private final URI endpoint;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final String signName;
    private final Map<SmsPurpose, String> templates;
    private final Clock clock;
    private final Supplier<String> nonces;

    /**
     * A {@code null} endpoint, key, sign name or template makes {@link #send} fail permanently,
     * naming the option; {@code clock} and {@code nonces} are fixed in tests.
     */
    AliyunSmsSender(SmsHttp http, URI endpoint, String accessKeyId, String accessKeySecret, String signName,
            Map<SmsPurpose, String> templates, Clock clock, Supplier<String> nonces) {
        this.http = http;
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
        this.signName = signName;
        this.templates = Map.copyOf(templates);
        this.clock = clock;
        this.nonces = nonces;
    }

    /** 32 random hex digits. */
    static String randomNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The option name for a purpose's TemplateCode, such as {@code template-verification-code}. */
    static String templateOption(SmsPurpose purpose) {
        return "template-" + purpose.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String send(SmsMessage message) throws SmsException {
        String template = templates.get(message.purpose());
        checkConfigured(template == null ? templateOption(message.purpose()) : null);

        Map<String, String> query = new TreeMap<>();
        query.put("PhoneNumbers", aliyunNumber(message.phoneNumber()));
        query.put("SignName", signName);
        query.put("TemplateCode", template);
        if (!message.purpose().parameters().isEmpty()) {
            query.put("TemplateParam", templateParam(message));
        }
        String hashedPayload = Acs3Signature.sha256Hex("");
        Map<String, String> signed = new TreeMap<>();
        signed.put("host", host(endpoint));
        signed.put("content-type", CONTENT_TYPE);
        signed.put("x-acs-action", ACTION);
        signed.put("x-acs-content-sha256", hashedPayload);
        signed.put("x-acs-date", DATE.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        signed.put("x-acs-signature-nonce", nonces.get());
        signed.put("x-acs-version", VERSION);
        String signature = Acs3Signature.signature(accessKeySecret,
                Acs3Signature.canonicalRequest("POST", "/", query, signed, hashedPayload));

        Map<String, String> headers = new LinkedHashMap<>(signed);
        // The HTTP client writes Host and Content-Type itself, with exactly the values signed.
        headers.remove("host");
        headers.remove("content-type");
        headers.put("Accept", "application/json");
        headers.put("Authorization", Acs3Signature.authorization(accessKeyId, Acs3Signature.signedHeaders(signed), signature));
        URI uri = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + "/?" + Acs3Signature.canonicalQuery(query));

        SmsHttp.Response response = http.post(uri, headers, CONTENT_TYPE, "");
        return result(response, message);
    }

    private void checkConfigured(String missingTemplate) throws SmsException {
        String problem = endpoint == null ? "the option endpoint is not an http(s) URL"
                : accessKeyId == null ? missing("access-key-id")
                : accessKeySecret == null ? missing("access-key-secret") + " (or its vault entry)"
                : signName == null ? missing("sign-name")
                : missingTemplate == null ? null
                : missing(missingTemplate);
        if (problem != null) {
            throw SmsException.permanent("Aliyun SMS sender is not configured: " + problem, "CONFIG");
        }
    }

    private static String missing(String option) {
        return "the option " + option + " is missing (spi-" + SmsSenderSpi.NAME + "--" + AliyunSmsSenderProviderFactory.PROVIDER_ID
                + "--" + option + ")";
    }

    private String result(SmsHttp.Response response, SmsMessage message) throws SmsException {
        JsonNode body = response.jsonObject();
        String code = safe(body == null ? null : body.path("Code").asText(null));
        String to = PhoneNumbers.mask(message.phoneNumber());
        if (code == null) {
            if (!response.is2xx()) {
                throw SmsHttp.statusFailure("Aliyun SMS", response);
            }
            throw SmsException.temporary("Aliyun SMS answered HTTP " + response.status() + " without a result code",
                    "MALFORMED_RESPONSE", null);
        }
        if ("OK".equals(code) && response.is2xx()) {
            String bizId = body.path("BizId").asText(null);
            LOG.debugf("Aliyun SMS %s to %s accepted, BizId %s", message.purpose(), to, safe(bizId));
            return bizId;
        }
        // Aliyun's Message is left out on purpose: for SignatureDoesNotMatch it echoes the string the
        // server signed, which holds the query (the number and the code).
        String requestId = safe(body.path("RequestId").asText(null));
        String text = "Aliyun SMS refused the message to " + to + ": " + code + " (HTTP " + response.status()
                + (requestId == null ? "" : ", RequestId " + requestId) + ")";
        if (isPermanent(code, response.status())) {
            throw SmsException.permanent(text, code);
        }
        throw SmsException.temporary(text, code, null);
    }

    /**
     * Whether a refusal is permanent: HTTP 5xx and the {@link #TEMPORARY_CODES} are not, nor
     * throttling and other {@code isp.*} (Aliyun-side) errors; {@code isv.*} (caller-side) ones and
     * anything else answered with a 4xx or 2xx are.
     */
    static boolean isPermanent(String code, int status) {
        if (status >= 500 || TEMPORARY_CODES.contains(code)) {
            return false;
        }
        if (PERMANENT_CODES.contains(code)) {
            return true;
        }
        return !code.startsWith("Throttling") && !code.startsWith("isp.");
    }

    /** Mainland numbers without +86, the others with their country code and no plus. */
    static String aliyunNumber(String e164) {
        return e164.startsWith("+86") ? e164.substring(3) : e164.substring(1);
    }

    /** Host as the HTTP client sends it: with the port unless it is the scheme's default. */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == ("https".equals(uri.getScheme()) ? 443 : 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    /** The purpose's parameters, by name in template order, as a JSON object of strings. */
    private static String templateParam(SmsMessage message) {
        ObjectNode params = JSON.createObjectNode();
        message.purpose().parameters().forEach(name -> params.put(name, message.parameters().get(name)));
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the template parameters", e);
        }
    }

    /** A vendor token fit for a log line: short, no control or markup characters. */
    private static String safe(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        String clean = token.replaceAll("[^A-Za-z0-9._:\\-]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) : clean;
    }
}
