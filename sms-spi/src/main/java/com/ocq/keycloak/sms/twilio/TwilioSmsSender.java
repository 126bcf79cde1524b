package com.ocq.keycloak.sms.twilio;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsHttp;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsTexts;
import com.ocq.keycloak.sms.Version;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * Sends through Twilio Programmable Messaging: {@code POST /2010-04-01/Accounts/{sid}/Messages.json}
 * with HTTP Basic authentication and a form body. Holds everything it needs; it never touches the
 * Keycloak session, so it may run on another thread after the session closed.
 */
final class TwilioSmsSender implements SmsSenderProvider {

    static final String VENDOR = "Twilio";
    static final String FORM = "application/x-www-form-urlencoded";

    private static final Logger LOG = Logger.getLogger(TwilioSmsSender.class);

    /** What a Twilio error code means for a retry, and a short safe description of it. */
    record Meaning(boolean permanent, String description) {
    }

    /**
     * Twilio's documented error codes of message creation (https://www.twilio.com/docs/api/errors).
     * Permanent: the same request fails again anywhere (or needs an operator to fix the account or
     * the configuration). Temporary: Twilio or the carrier is busy or failing; a retry or another
     * gateway may succeed. Codes not listed follow the HTTP status (4xx permanent; 408, 429, 5xx temporary).
     */
    static final Map<Integer, Meaning> ERRORS = errors();

    private static Map<Integer, Meaning> errors() {
        Map<Integer, Meaning> m = new LinkedHashMap<>();
        // Account and credentials.
        m.put(20003, new Meaning(true, "authentication failed"));
        m.put(20005, new Meaning(true, "account not active"));
        m.put(20403, new Meaning(true, "forbidden: account suspended or closed"));
        m.put(20404, new Meaning(true, "resource not found: check account-sid and endpoint"));
        m.put(30002, new Meaning(true, "account suspended"));
        // The recipient.
        m.put(21211, new Meaning(true, "invalid 'To' number"));
        m.put(21266, new Meaning(true, "'To' and 'From' are the same number"));
        m.put(21408, new Meaning(true, "sending to this region is not enabled (Geo Permissions)"));
        m.put(21604, new Meaning(true, "'To' number missing"));
        m.put(21608, new Meaning(true, "'To' number not verified (trial account)"));
        m.put(21610, new Meaning(true, "recipient unsubscribed (replied STOP)"));
        m.put(21612, new Meaning(true, "'To' number not reachable by SMS from this sender"));
        m.put(21614, new Meaning(true, "'To' number is not a mobile number"));
        m.put(21635, new Meaning(true, "'To' number is a landline"));
        m.put(30004, new Meaning(true, "message blocked"));
        m.put(30005, new Meaning(true, "unknown destination handset"));
        m.put(30006, new Meaning(true, "landline or unreachable carrier"));
        m.put(30007, new Meaning(true, "message filtered by the carrier or Twilio"));
        // The sender and the message.
        m.put(21212, new Meaning(true, "invalid 'From' number"));
        m.put(21602, new Meaning(true, "message body missing"));
        m.put(21603, new Meaning(true, "'From' number missing"));
        m.put(21606, new Meaning(true, "'From' number cannot send messages to this destination"));
        m.put(21617, new Meaning(true, "message body too long"));
        m.put(21659, new Meaning(true, "'From' is not a Twilio number, or a short code of another country"));
        m.put(21660, new Meaning(true, "'From' number belongs to another account"));
        m.put(21705, new Meaning(true, "invalid Messaging Service"));
        m.put(30127, new Meaning(true, "invalid MessagingServiceSid"));
        // Busy or failing, worth another try.
        m.put(20429, new Meaning(false, "too many requests"));
        m.put(20500, new Meaning(false, "Twilio internal error"));
        m.put(20503, new Meaning(false, "Twilio service unavailable"));
        m.put(21611, new Meaning(false, "'From' number queue full"));
        m.put(30001, new Meaning(false, "queue overflow"));
        m.put(30003, new Meaning(false, "destination handset unreachable"));
        m.put(30008, new Meaning(false, "unknown carrier error"));
        m.put(30500, new Meaning(false, "Twilio internal error"));
        return Map.copyOf(m);
    }

    private final URI messagesUri;
    private final String username;
    private final String password;
    private final String from;
    private final String messagingServiceSid;
    private final SmsHttp http;

    /**
     * @param username the Account SID, or the API key SID
     * @param password the Auth Token, or the API key secret
     * @param from the sender number or alphanumeric id, used when {@code messagingServiceSid} is null
     */
    TwilioSmsSender(URI messagesUri, String username, String password, String from, String messagingServiceSid,
            SmsHttp http) {
        this.messagesUri = messagesUri;
        this.username = username;
        this.password = password;
        this.from = from;
        this.messagingServiceSid = messagingServiceSid;
        this.http = http;
    }

    @Override
    public String send(SmsMessage message) throws SmsException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.phoneNumber());
        if (messagingServiceSid != null) {
            form.put("MessagingServiceSid", messagingServiceSid);
        } else {
            form.put("From", from);
        }
        form.put("Body", SmsTexts.render(message));
        Map<String, String> headers = Map.of(
                "Authorization", basic(username, password),
                "Accept", "application/json",
                "User-Agent", "ocq-keycloak-sms/" + Version.get());
        SmsHttp.Response response = http.post(messagesUri, headers, FORM, encode(form));
        String sid = interpret(response, message);
        LOG.debugf("Twilio accepted SMS %s to %s as %s", message.purpose(), PhoneNumbers.mask(message.phoneNumber()), sid);
        return sid;
    }

    private String interpret(SmsHttp.Response response, SmsMessage message) throws SmsException {
        JsonNode json = response.jsonObject();
        if (response.is2xx()) {
            if (json == null) {
                throw SmsException.temporary("Twilio answered HTTP " + response.status() + " with a body that is not JSON",
                        "MALFORMED_RESPONSE", null);
            }
            // A message Twilio created but already failed (rare at creation) carries its error code.
            String status = text(json.get("status"));
            Integer errorCode = integer(json.get("error_code"));
            if (errorCode != null && ("failed".equals(status) || "undelivered".equals(status))) {
                throw failure(errorCode, response.status(), text(json.get("error_message")), message);
            }
            String sid = text(json.get("sid"));
            if (sid == null || sid.isBlank()) {
                throw SmsException.temporary("Twilio answered HTTP " + response.status() + " without a message sid",
                        "MALFORMED_RESPONSE", null);
            }
            return sid;
        }
        Integer code = json == null ? null : integer(json.get("code"));
        if (code == null) {
            throw SmsHttp.statusFailure(VENDOR, response);
        }
        throw failure(code, response.status(), text(json.get("message")), message);
    }

    private SmsException failure(int code, int httpStatus, String vendorMessage, SmsMessage message) {
        Meaning meaning = ERRORS.get(code);
        boolean permanent;
        String what;
        if (meaning != null) {
            permanent = meaning.permanent();
            what = meaning.description();
        } else {
            permanent = !(httpStatus >= 500 || httpStatus == 429 || httpStatus == 408);
            what = vendorMessage == null ? "unlisted error" : "unlisted error: " + scrub(vendorMessage, message);
        }
        String text = "Twilio did not accept the message: error " + code + " (" + what + "), HTTP " + httpStatus;
        String vendorCode = String.valueOf(code);
        return permanent ? SmsException.permanent(text, vendorCode) : SmsException.temporary(text, vendorCode, null);
    }

    /**
     * Twilio's own error text may quote the number (and, in theory, anything else sent): the
     * recipient, the parameters and the credentials are cut out, so are long digit runs.
     */
    private String scrub(String vendorMessage, SmsMessage message) {
        List<String> secrets = new ArrayList<>(message.parameters().values());
        secrets.add(message.phoneNumber());
        secrets.add(password);
        String out = vendorMessage;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 3) {
                out = out.replace(secret, "***");
            }
        }
        out = out.replaceAll("\\+?\\d[\\d .()-]{5,}\\d", "***").replaceAll("\\p{Cntrl}", " ");
        return out.length() > 160 ? out.substring(0, 160) + "…" : out;
    }

    static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String encode(Map<String, String> form) {
        StringBuilder out = new StringBuilder();
        form.forEach((name, value) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    private static Integer integer(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.canConvertToInt() && node.isIntegralNumber()) {
            return node.intValue();
        }
        if (node.isTextual() && node.asText().matches("\\d{1,9}")) {
            return Integer.valueOf(node.asText());
        }
        return null;
    }
}
