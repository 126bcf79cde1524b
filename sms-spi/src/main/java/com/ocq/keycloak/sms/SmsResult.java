package com.ocq.keycloak.sms;

/**
 * A message a gateway accepted.
 *
 * @param sender the id of the sender that accepted it
 * @param messageId the gateway's id for it, or {@code null}
 * @param attempts how many senders were tried, this one included
 */
public record SmsResult(String sender, String messageId, int attempts) {
}
