package com.ocq.keycloak.reset;

import java.util.Optional;

/**
 * The cost limits of rule 6, checked in order before any SMS is paid for: the per-number
 * cooldown, the per-IP hourly cap, the per-number hourly and daily caps and the realm's daily
 * budget. Numbers and IPs are counted across realms (one gateway bill); the budget per realm.
 */
final class SendLimits {

    /** Days of the daily budget start at 00:00 China Standard Time. */
    static final long BUDGET_DAY_OFFSET_SECONDS = 8 * 3600;

    enum Refusal {
        COOLDOWN("ocq_sms_cooldown"),
        IP_HOURLY("ocq_sms_ip_limit"),
        PHONE_HOURLY("ocq_sms_phone_hourly_limit"),
        PHONE_DAILY("ocq_sms_phone_daily_limit"),
        REALM_BUDGET("ocq_sms_realm_budget_exhausted");

        final String error;

        Refusal(String error) {
            this.error = error;
        }
    }

    private final AtomicStore store;
    private final Slots slots;

    SendLimits(AtomicStore store) {
        this.store = store;
        this.slots = new Slots(store);
    }

    /**
     * Takes one send from every limit, or says which limit refuses it. The cooldown is held only
     * while a message really goes out: a send another limit refuses gives it back, so a burst
     * refused by one address's cap cannot hold the number's owner off.
     */
    Optional<Refusal> acquire(String realmId, String phone, String ip, SmsCodeConfig config, long nowSeconds) {
        if (!store.putIfAbsent("cool:" + phone, config.cooldownSeconds())) {
            return Optional.of(Refusal.COOLDOWN);
        }
        Optional<Refusal> refusal = caps(realmId, phone, ip, config, nowSeconds);
        if (refusal.isPresent()) {
            releaseCooldown(phone);
        }
        return refusal;
    }

    private Optional<Refusal> caps(String realmId, String phone, String ip, SmsCodeConfig config, long nowSeconds) {
        if (!slots.claim("ip:" + ip, config.ipPerHour(), 3600)) {
            return Optional.of(Refusal.IP_HOURLY);
        }
        if (!slots.claim("ph:" + phone, config.phonePerHour(), 3600)) {
            return Optional.of(Refusal.PHONE_HOURLY);
        }
        if (!slots.claim("pd:" + phone, config.phonePerDay(), 86_400)) {
            return Optional.of(Refusal.PHONE_DAILY);
        }
        long shifted = nowSeconds + BUDGET_DAY_OFFSET_SECONDS;
        long day = shifted / 86_400;
        long left = 86_400 - shifted % 86_400;
        if (!slots.claimInFixedWindow("budget:" + realmId + ":" + day, config.realmPerDay(), left)) {
            return Optional.of(Refusal.REALM_BUDGET);
        }
        return Optional.empty();
    }

    /**
     * The store operations of a send that every limit lets through, on throw-away keys held for a
     * second: what the flow spends for an account it does not send to, so that no kind of account
     * answers faster than a real one, on one node or on a cluster where each operation is a round trip.
     */
    void rehearse(String decoy, SmsCodeConfig config) {
        store.putIfAbsent(decoy + ":cool", 1);
        slots.claim(decoy + ":ip", config.ipPerHour(), 1);
        slots.claim(decoy + ":ph", config.phonePerHour(), 1);
        slots.claim(decoy + ":pd", config.phonePerDay(), 1);
        slots.claimInFixedWindow(decoy + ":budget", config.realmPerDay(), 1);
    }

    /** A send that failed at every gateway gives its cooldown back, so the employee may try again at once. */
    void releaseCooldown(String phone) {
        store.remove("cool:" + phone);
    }

    /** True while the number waits out its cooldown. */
    boolean coolingDown(String phone) {
        return store.contains("cool:" + phone);
    }
}
