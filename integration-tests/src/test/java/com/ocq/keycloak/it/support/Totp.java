package com.ocq.keycloak.it.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.keycloak.representations.idm.CredentialRepresentation;

/**
 * An authenticator app for tests: an {@code otp} credential to enroll with a new user, and its
 * TOTP codes (RFC 6238 with the realm's default policy: HmacSHA1, 6 digits, 30 s, one step of
 * look-around). Keycloak refuses a code twice, so each code is handed out once.
 */
public final class Totp {

    private static final int PERIOD = 30;

    private final String secret;
    private final Set<Long> used = new HashSet<>();

    public Totp(String secret) {
        this.secret = secret;
    }

    /** The credential to put into a new user's representation (the secret must be plain ASCII). */
    public CredentialRepresentation credential() {
        CredentialRepresentation otp = new CredentialRepresentation();
        otp.setType("otp");
        otp.setUserLabel("test app");
        otp.setSecretData("{\"value\":\"" + secret + "\"}");
        otp.setCredentialData("{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}");
        return otp;
    }

    /** A code the server accepts now and that this app has not handed out yet. */
    public String nextCode() {
        long now = Instant.now().getEpochSecond() / PERIOD;
        for (long step : List.of(now, now + 1, now - 1)) {
            if (used.add(step)) {
                return code(step);
            }
        }
        throw new IllegalStateException("Every code of the current window was used");
    }

    String code(long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
                    | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
