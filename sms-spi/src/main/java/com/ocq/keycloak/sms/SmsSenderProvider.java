package com.ocq.keycloak.sms;

import org.keycloak.provider.Provider;

/** Sends one SMS through one gateway. */
public interface SmsSenderProvider extends Provider {

    /**
     * Sends the message and returns the gateway's message id, or {@code null} if it gives none.
     *
     * @throws SmsException when the gateway did not accept the message; the exception says
     *     whether trying again (or another gateway) can help
     */
    String send(SmsMessage message) throws SmsException;

    /**
     * A sender whose configuration is unusable: it refuses every message permanently with vendor
     * code {@code CONFIG} and {@code problem} (which names the option), so failover moves on.
     */
    static SmsSenderProvider failing(String problem) {
        return message -> {
            throw SmsException.permanent(problem, "CONFIG");
        };
    }

    @Override
    default void close() {
    }
}
