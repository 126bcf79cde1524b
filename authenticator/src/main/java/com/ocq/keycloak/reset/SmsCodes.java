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
        store.remove(codeKey(tabKey));
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
            return Verdict.EXPIRED;
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
            Map<String, String> taken = store.remove(codeKey(tabKey));
            // Another request used the code first (or replaced it) between get and remove.
            return taken != null && live.get(ID).equals(taken.get(ID)) ? Verdict.ACCEPTED : Verdict.EXPIRED;
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

    /** Forgets the live code of {@code tabKey}, if any. */
    void discard(String tabKey) {
        store.remove(codeKey(tabKey));
    }

    private static String codeKey(String tabKey) {
        return "code:" + tabKey;
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
