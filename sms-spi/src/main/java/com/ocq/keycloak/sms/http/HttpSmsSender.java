package com.ocq.keycloak.sms.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsHttp;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsTexts;
import com.ocq.keycloak.sms.Version;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * Posts each message as signed JSON to an in-house gateway (the format is documented on
 * {@link HttpSmsSenderProviderFactory}). Holds everything it needs; it never touches the Keycloak
 * session, so it may run on another thread after the session closed.
 */
final class HttpSmsSender implements SmsSenderProvider {

    static final String VENDOR = "Webhook";
    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    static final String TIMESTAMP_HEADER = "X-OCQ-Timestamp";
    static final String SIGNATURE_HEADER = "X-OCQ-Signature";
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    static final String HMAC = "HmacSHA256";

    private static final Logger LOG = Logger.getLogger(HttpSmsSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final SecretKeySpec key;
    private final Map<String, String> headers;
    private final SmsHttp http;
    private final Clock clock;
    private final Supplier<UUID> ids;

    /**
     * @param secret the HMAC key, as UTF-8
     * @param headers static headers sent with every request (already resolved from the vault)
     * @param clock the source of {@code timestamp}
     * @param ids the source of {@code id} and {@code Idempotency-Key}
     */
    HttpSmsSender(URI url, String secret, Map<String, String> headers, SmsHttp http, Clock clock, Supplier<UUID> ids) {
        this.url = url;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
        this.http = http;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public String send(SmsMessage message) throws SmsException {
        String id = ids.get().toString();
        long timestamp = clock.instant().getEpochSecond();
        String body = body(message, id, timestamp);

        Map<String, String> request = new LinkedHashMap<>(headers);
        request.put("Accept", "application/json");
        request.put("User-Agent", "ocq-keycloak-sms/" + Version.get());
        request.put(TIMESTAMP_HEADER, String.valueOf(timestamp));
        request.put(SIGNATURE_HEADER, "v1=" + sign(timestamp + "." + body));
        request.put(IDEMPOTENCY_HEADER, id);

        SmsHttp.Response response = http.post(url, request, CONTENT_TYPE, body);
        String messageId = interpret(response);
        LOG.debugf("Webhook accepted SMS %s to %s (id %s, gateway id %s)", message.purpose(),
                PhoneNumbers.mask(message.phoneNumber()), id, messageId);
        return messageId;
    }

    private static String body(SmsMessage message, String id, long timestamp) throws SmsException {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id);
        json.put("timestamp", timestamp);
        json.put("to", message.phoneNumber());
        json.put("purpose", message.purpose().name().toLowerCase(Locale.ROOT));
        json.put("locale", message.locale().toLanguageTag());
        ObjectNode parameters = json.putObject("parameters");
        for (String name : message.purpose().parameters()) {
            parameters.put(name, message.parameters().get(name));
        }
        json.put("text", SmsTexts.render(message));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw SmsException.permanent("Could not encode the webhook request", "ENCODING");
        }
    }

    /** Lower-case hex HMAC-SHA256 of {@code payload} (UTF-8). */
    private String sign(String payload) throws SmsException {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw SmsException.permanent("Could not sign the webhook request: " + e.getClass().getSimpleName(), "SIGNATURE");
        }
    }

    private static String interpret(SmsHttp.Response response) throws SmsException {
        int status = response.status();
        JsonNode json = response.jsonObject();
        JsonNode error = json == null ? null : json.get("error");
        if (error != null && (error.isObject() || (error.isTextual() && !error.asText().isBlank()))) {
            JsonNode code = error.isObject() ? error.get("code") : error;
            JsonNode flag = error.isObject() ? error.get("permanent") : null;
            String vendorCode = code == null || code.isNull() || code.isContainerNode() ? null : safeCode(code.asText());
            if (vendorCode == null) {
                vendorCode = "HTTP_" + status;
            }
            boolean permanent = flag != null && flag.isBoolean() ? flag.booleanValue()
                    : status >= 400 && status < 500 && status != 408 && status != 429;
            String text = "Webhook did not accept the message: error " + vendorCode + " ("
                    + (permanent ? "permanent" : "temporary") + "), HTTP " + status;
            throw permanent ? SmsException.permanent(text, vendorCode) : SmsException.temporary(text, vendorCode, null);
        }
        if (response.is2xx()) {
            JsonNode id = json == null ? null : json.get("messageId");
            return id == null || id.isNull() || id.isContainerNode() || id.asText().isBlank() ? null : id.asText();
        }
        throw SmsHttp.statusFailure(VENDOR, response);
    }

    /**
     * A gateway's error code as a vendor code: printable, at most 64 characters, and no long digit
     * runs (a code must not smuggle a phone number into the logs).
     */
    static String safeCode(String code) {
        String out = code.strip().replaceAll("[^A-Za-z0-9_.:\\-]", "_").replaceAll("\\d{7,}", "***");
        out = out.length() > 64 ? out.substring(0, 64) : out;
        return out.isEmpty() ? null : out;
    }
}
