package com.ocq.keycloak.sms;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.keycloak.models.KeycloakSession;

/**
 * What flows use to send: the SPI's default provider ({@code failover}), which tries an ordered
 * list of senders off the request thread, within a cap on concurrent sends.
 */
public interface SmsDispatcher extends SmsSenderProvider {

    /** The dispatcher of this server. */
    static SmsDispatcher of(KeycloakSession session) {
        return (SmsDispatcher) session.getProvider(SmsSenderProvider.class, "failover");
    }

    /**
     * Starts sending through {@code order} (the configured senders when empty) and returns at
     * once. The future fails with an {@link SmsException}: the last sender's failure.
     */
    CompletableFuture<SmsResult> sendAsync(SmsMessage message, List<String> order);

    /** {@link #sendAsync} and waits, at most the dispatcher's deadline. */
    SmsResult sendAndWait(SmsMessage message, List<String> order) throws SmsException;
}
