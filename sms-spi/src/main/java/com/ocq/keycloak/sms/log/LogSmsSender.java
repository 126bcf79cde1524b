package com.ocq.keycloak.sms.log;

import java.util.UUID;

import org.jboss.logging.Logger;

import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsTexts;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

final class LogSmsSender implements SmsSenderProvider {

    private static final Logger LOG = Logger.getLogger(LogSmsSender.class);

    @Override
    public String send(SmsMessage message) {
        String id = "log-" + UUID.randomUUID();
        // The development sender exists to show the text (and so the code) to a developer.
        LOG.infof("[DEV SMS] to %s (%s): %s", PhoneNumbers.mask(message.phoneNumber()), message.purpose(),
                SmsTexts.render(message));
        return id;
    }
}
