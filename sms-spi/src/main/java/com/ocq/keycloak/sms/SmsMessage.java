package com.ocq.keycloak.sms;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One message to send.
 *
 * @param phoneNumber the recipient in E.164 form ({@code +8613900000101})
 * @param purpose which template to use
 * @param locale the recipient's language, for vendors that have templates per language
 * @param parameters the template parameters, exactly those named by {@link SmsPurpose#parameters()}
 */
public record SmsMessage(String phoneNumber, SmsPurpose purpose, Locale locale, Map<String, String> parameters) {

    public SmsMessage {
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(purpose, "purpose");
        locale = locale == null ? Locale.SIMPLIFIED_CHINESE : locale;
        parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
        if (!parameters.keySet().equals(java.util.Set.copyOf(purpose.parameters()))) {
            throw new IllegalArgumentException("Purpose " + purpose + " takes the parameters " + purpose.parameters()
                    + ", not " + parameters.keySet());
        }
        if (!phoneNumber.matches("\\+[1-9][0-9]{6,14}")) {
            throw new IllegalArgumentException("The phone number must be in E.164 form");
        }
    }

    /** Never prints the number in full nor the parameters (a code or a password). */
    @Override
    public String toString() {
        return "SmsMessage[" + purpose + " to " + com.ocq.keycloak.sms.phone.PhoneNumbers.mask(phoneNumber) + "]";
    }
}
