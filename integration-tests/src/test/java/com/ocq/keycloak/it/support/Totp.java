package com.ocq.keycloak.it.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.keycloak.representations.idm.CredentialRepresentation;

/** An authenticator app for tests: an OTP credential to enrol a user with, and its current codes (RFC 6238, Keycloak's defaults). */
public final class Totp {

    private final String secret;

    public Totp(String secret) {
        this.secret = secret;
    }

    /** The credential to put on a new user, as Keycloak stores a TOTP secret (the secret's bytes are the key). */
    public CredentialRepresentation credential() {
        CredentialRepresentation otp = new CredentialRepresentation();
        otp.setType("otp");
        otp.setUserLabel("test phone");
        otp.setSecretData("{\"value\":\"" + secret + "\"}");
        otp.setCredentialData("{\"subType\":\"totp\",\"digits\":6,\"period\":30,\"algorithm\":\"HmacSHA1\",\"counter\":0}");
        return otp;
    }

    public List<CredentialRepresentation> with(List<CredentialRepresentation> others) {
        List<CredentialRepresentation> all = new java.util.ArrayList<>(others);
        all.add(credential());
        return all;
    }

    /** The code the app shows now. */
    public String now() {
        return at(System.currentTimeMillis() / 1000 / 30);
    }

    String at(long counter) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] hash = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(counter).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = (hash[offset] & 0x7f) << 24 | (hash[offset + 1] & 0xff) << 16 | (hash[offset + 2] & 0xff) << 8
                    | hash[offset + 3] & 0xff;
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
