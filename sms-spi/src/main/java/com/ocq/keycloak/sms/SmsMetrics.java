package com.ocq.keycloak.sms;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * Send counters and latency on Keycloak's metrics endpoint (when {@code --metrics-enabled=true}):
 * {@code ocq_sms_sends_total} and {@code ocq_sms_send_duration_seconds}, tagged with sender,
 * purpose and outcome.
 */
public final class SmsMetrics {

    static final String SENDS = "ocq.sms.sends";
    static final String DURATION = "ocq.sms.send.duration";

    private SmsMetrics() {
    }

    public static void record(String sender, SmsPurpose purpose, String outcome, Duration took) {
        String purposeTag = purpose.name().toLowerCase(java.util.Locale.ROOT);
        Counter.builder(SENDS).description("SMS send attempts by sender, purpose and outcome")
                .tags("sender", sender, "purpose", purposeTag, "outcome", outcome)
                .register(Metrics.globalRegistry).increment();
        Timer.builder(DURATION).description("Time a gateway took to answer an SMS send")
                .tags("sender", sender, "purpose", purposeTag, "outcome", outcome)
                .register(Metrics.globalRegistry).record(took);
    }
}
