package com.ocq.keycloak.reset;

/**
 * Wrong codes per account in 24 hours (rule 4): not reset by a new code; at the limit SMS
 * recovery is refused for the account, while the pages stay the same.
 */
final class AccountFailures {

    private final Slots slots;

    AccountFailures(AtomicStore store) {
        this.slots = new Slots(store);
    }

    void record(String realmId, String userId, int limit) {
        slots.claim(key(realmId, userId), limit, 86_400);
    }

    boolean locked(String realmId, String userId, int limit) {
        return slots.full(key(realmId, userId), limit);
    }

    private static String key(String realmId, String userId) {
        return "fail:" + realmId + ":" + userId;
    }
}
