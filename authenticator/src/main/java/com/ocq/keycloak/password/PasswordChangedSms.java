package com.ocq.keycloak.password;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

import com.ocq.keycloak.sms.SmsDispatcher;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/** "Your password was changed", by SMS to the account's mobile number. The message holds no password. */
public final class PasswordChangedSms {

    private static final Logger LOG = Logger.getLogger(PasswordChangedSms.class);
    /** The user-profile attribute holding the mobile number. */
    private static final String PHONE_ATTRIBUTE = "phoneNumber";

    private PasswordChangedSms() {
    }

    /** Starts sending, off the request thread; a user without a usable number gets nothing. */
    public static void send(KeycloakSession session, UserModel user) {
        PhoneNumbers.normalize(user.getFirstAttribute(PHONE_ATTRIBUTE)).ifPresent(phone -> {
            Locale locale = session.getContext().resolveLocale(user);
            SmsDispatcher.of(session).sendAsync(new SmsMessage(phone, SmsPurpose.PASSWORD_CHANGED, locale, Map.of()), List.of())
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            LOG.warnf("The password-changed SMS to %s was not sent: %s", PhoneNumbers.mask(phone), failure.getMessage());
                        }
                    });
        });
    }
}
