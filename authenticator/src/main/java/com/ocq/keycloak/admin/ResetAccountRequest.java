package com.ocq.keycloak.admin;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST .../ocq/users/{id}/reset-account}:
 * {@code {"loginMethods": "phone" | "email" | "all", "sendSms": true | false}}. Parsed strictly, so a
 * typo never resets an account with defaults the admin did not choose.
 */
record ResetAccountRequest(String loginMethods, boolean sendSms) {

    static final String PHONE = "phone";
    static final String EMAIL = "email";
    static final String ALL = "all";
    static final Set<String> LOGIN_METHODS = Set.of(PHONE, EMAIL, ALL);
    private static final Set<String> FIELDS = Set.of("loginMethods", "sendSms");

    /** Thrown for a body that is not exactly what the endpoint takes; the message says what is wrong. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static ResetAccountRequest parse(Map<String, Object> body) throws Invalid {
        if (body == null) {
            throw new Invalid("A JSON body {\"loginMethods\": \"phone|email|all\", \"sendSms\": true|false} is required");
        }
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new Invalid("Unknown field '" + field + "'; the fields are loginMethods and sendSms");
            }
        }
        Object methods = body.get("loginMethods");
        if (!(methods instanceof String text) || !LOGIN_METHODS.contains(text.strip().toLowerCase(Locale.ROOT))) {
            throw new Invalid("loginMethods must be one of phone, email, all");
        }
        Object sms = body.get("sendSms");
        boolean sendSms;
        if (sms == null) {
            sendSms = false;
        } else if (sms instanceof Boolean b) {
            sendSms = b;
        } else if ("true".equals(sms) || "false".equals(sms)) {
            sendSms = Boolean.parseBoolean((String) sms);
        } else {
            throw new Invalid("sendSms must be true or false");
        }
        return new ResetAccountRequest(((String) methods).strip().toLowerCase(Locale.ROOT), sendSms);
    }
}
