package com.ocq.keycloak.reset;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verification codes: 6 digits from SecureRandom, stored only as a salted HMAC, bound to one
 * login tab, used once, dead after a number of wrong entries. Checking and using up a code is one
 * atomic remove, so of two concurrent submissions of one valid code exactly one succeeds.
 */
final class SmsCodes {

    enum Verdict {
        /** Right code, now used up. */
        ACCEPTED,
        /**
         * This tab's code was accepted a moment ago by a concurrent request of the same tab (a double
         * click, or a retry the load balancer sent to another node): the tab has passed, and this
         * request must say so too, or its answer, written after the winner's, would take the tab
         * back to the code step with its code used up.
         */
        TAB_PASSED,
        /** Wrong code; more tries remain. */
        WRONG,
        /** Wrong code, and it was the last try: the code is dead. */
        USED_UP,
        /** No live code for this tab: never sent, expired, replaced or used. */
        EXPIRED,
        /** The code was sent to another number or for another user than now: rejected. */
        STALE
    }

    static final String USER = "user";
    static final String PHONE = "phone";
    private static final String HASH = "hash";
    private static final String SALT = "salt";
    private static final String ID = "id";

    /** How long after a code's use a concurrent request of the same tab counts as part of that use. */
    static final long RACE_WINDOW_SECONDS = 30;

    private final AtomicStore store;
    private final SecureRandom random;

    SmsCodes(AtomicStore store, SecureRandom random) {
        this.store = store;
        this.random = random;
    }

    String newCode() {
        return String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
    }

    /**
     * Stores {@code code} as the only live code of {@code tabKey}, replacing any earlier one, and
     * returns the code's id (its attempt counters hang off it).
     */
    String issue(String tabKey, String code, String userId, String phone, long ttlSeconds) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] idBytes = new byte[12];
        random.nextBytes(idBytes);
        Map<String, String> notes = new HashMap<>();
        notes.put(ID, Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes));
        notes.put(SALT, Base64.getEncoder().encodeToString(salt));
        notes.put(HASH, hash(salt, code));
        notes.put(USER, userId);
        notes.put(PHONE, phone);
        discard(tabKey);
        store.remove(usedKey(tabKey, userId));
        store.put(codeKey(tabKey), ttlSeconds, notes);
        return notes.get(ID);
    }

    /**
     * Checks {@code typed} against the live code of {@code tabKey}, for the user and number the
     * flow holds now.
     */
    Verdict verify(String tabKey, String typed, String userId, String phone, int maxAttempts, long ttlSeconds) {
        Map<String, String> live = store.get(codeKey(tabKey));
        if (live == null) {
            // Gone: expired, replaced, dead, or used. Used a moment ago by this very tab, this is a
            // copy of that request which read the tab's state before the use.
            return store.contains(usedKey(tabKey, userId)) ? Verdict.TAB_PASSED : Verdict.EXPIRED;
        }
        if (!live.get(USER).equals(userId) || !live.get(PHONE).equals(phone)) {
            store.remove(codeKey(tabKey));
            return Verdict.STALE;
        }
        boolean right = typed != null && typed.matches("\\d{6}")
                && MessageDigest.isEqual(live.get(HASH).getBytes(StandardCharsets.US_ASCII),
                        hash(Base64.getDecoder().decode(live.get(SALT)), typed).getBytes(StandardCharsets.US_ASCII));
        String attempts = "try:" + live.get(ID);
        if (right) {
            if (new Slots(store).full(attempts, maxAttempts)) {
                return Verdict.USED_UP;
            }
            // Which request uses the code is decided once, cluster-wide, and marked before the code
            // is removed: a concurrent request that then finds no code finds the mark.
            if (!store.putIfAbsent(usedKey(tabKey, userId), Math.min(RACE_WINDOW_SECONDS, ttlSeconds))) {
                return Verdict.TAB_PASSED;
            }
            Map<String, String> taken = store.remove(codeKey(tabKey));
            if (taken != null && live.get(ID).equals(taken.get(ID))) {
                return Verdict.ACCEPTED;
            }
            // Replaced by a newer code between get and remove.
            store.remove(usedKey(tabKey, userId));
            return Verdict.EXPIRED;
        }
        if (!new Slots(store).claim(attempts, maxAttempts, ttlSeconds)) {
            store.remove(codeKey(tabKey));
            return Verdict.USED_UP;
        }
        if (new Slots(store).full(attempts, maxAttempts)) {
            store.remove(codeKey(tabKey));
            return Verdict.USED_UP;
        }
        return Verdict.WRONG;
    }

    /**
     * True while a code of {@code tabKey} for {@code userId} counts as just accepted: a request of
     * the tab that read the tab's state before the acceptance is part of it.
     */
    boolean justAccepted(String tabKey, String userId) {
        return store.contains(usedKey(tabKey, userId));
    }

    /** Forgets the live code of {@code tabKey}, if any. */
    void discard(String tabKey) {
        Map<String, String> code = store.remove(codeKey(tabKey));
        if (code != null) {
            store.remove(usedKey(tabKey, code.get(USER)));
        }
    }

    private static String codeKey(String tabKey) {
        return "code:" + tabKey;
    }

    private static String usedKey(String tabKey, String userId) {
        return "used:" + tabKey + ":" + userId;
    }

    private static String hash(byte[] salt, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(code.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
