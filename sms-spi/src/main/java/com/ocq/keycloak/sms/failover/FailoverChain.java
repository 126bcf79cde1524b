package com.ocq.keycloak.sms.failover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsMetrics;
import com.ocq.keycloak.sms.SmsResult;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/** Tries the senders in order: a temporary failure moves on, a permanent one or success stops. */
final class FailoverChain {

    private static final Logger LOG = Logger.getLogger(FailoverChain.class);

    record Attempt(String id, SmsSenderProvider provider) {
    }

    /** Vendor codes of a sender's own missing or bad configuration. */
    static final java.util.Set<String> MISCONFIGURED = java.util.Set.of("CONFIG", "CONFIGURATION");

    private final List<Attempt> attempts;

    FailoverChain(List<Attempt> attempts) {
        this.attempts = attempts;
    }

    void run(SmsMessage message, CompletableFuture<SmsResult> result) {
        SmsException last = null;
        int tried = 0;
        for (Attempt attempt : attempts) {
            tried++;
            long start = System.nanoTime();
            try {
                String id = attempt.provider().send(message);
                SmsMetrics.record(attempt.id(), message.purpose(), "success", since(start));
                LOG.debugf("SMS %s to %s accepted by %s", message.purpose(), PhoneNumbers.mask(message.phoneNumber()), attempt.id());
                result.complete(new SmsResult(attempt.id(), id, tried));
                return;
            } catch (SmsException e) {
                last = new SmsException(e.getMessage(), e.isPermanent(), e.getVendorCode(), attempt.id(), e);
            } catch (RuntimeException e) {
                last = new SmsException("Sender failed: " + e.getClass().getSimpleName(), false, "ERROR", attempt.id(), e);
            }
            String outcome = last.isPermanent() ? "permanent" : "temporary";
            SmsMetrics.record(attempt.id(), message.purpose(), outcome, since(start));
            LOG.warnf("SMS %s to %s failed at %s (%s, code %s): %s", message.purpose(),
                    PhoneNumbers.mask(message.phoneNumber()), attempt.id(), outcome, last.getVendorCode(), last.getMessage());
            // A sender that is not configured says nothing about the message: the next one may work.
            if ((last.isPermanent() && !MISCONFIGURED.contains(last.getVendorCode())) || Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        result.completeExceptionally(last);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
