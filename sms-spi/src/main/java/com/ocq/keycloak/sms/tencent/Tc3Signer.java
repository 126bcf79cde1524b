package com.ocq.keycloak.sms.tencent;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256, for a POST with a JSON body: the
 * canonical request signs the {@code content-type} and {@code host} headers, the credential scope
 * is {@code <UTC date>/<service>/tc3_request}, and the signing key is derived from the secret key
 * through the date, the service and {@code tc3_request}.
 */
final class Tc3Signer {

    static final String ALGORITHM = "TC3-HMAC-SHA256";
    static final String SIGNED_HEADERS = "content-type;host";

    private Tc3Signer() {
    }

    /** The {@code Authorization} header value. */
    static String authorization(String secretId, String secretKey, String service, String host, String contentType,
            String payload, long timestamp) {
        String scope = credentialScope(service, timestamp);
        String signature = signature(secretKey, service, timestamp,
                stringToSign(timestamp, scope, canonicalRequest(host, contentType, payload)));
        return ALGORITHM + " Credential=" + secretId + "/" + scope + ", SignedHeaders=" + SIGNED_HEADERS
                + ", Signature=" + signature;
    }

    static String canonicalRequest(String host, String contentType, String payload) {
        return "POST\n/\n\n"
                + "content-type:" + contentType.strip().toLowerCase(Locale.ROOT) + "\n"
                + "host:" + host.strip().toLowerCase(Locale.ROOT) + "\n"
                + "\n" + SIGNED_HEADERS + "\n" + sha256Hex(payload);
    }

    /** {@code <date>/<service>/tc3_request}; the date is the UTC date of the timestamp, never the local one. */
    static String credentialScope(String service, long timestamp) {
        return date(timestamp) + "/" + service + "/tc3_request";
    }

    static String stringToSign(long timestamp, String credentialScope, String canonicalRequest) {
        return ALGORITHM + "\n" + timestamp + "\n" + credentialScope + "\n" + sha256Hex(canonicalRequest);
    }

    static String signature(String secretKey, String service, long timestamp, String stringToSign) {
        byte[] secretDate = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date(timestamp));
        byte[] secretService = hmac(secretDate, service);
        byte[] secretSigning = hmac(secretService, "tc3_request");
        return HexFormat.of().formatHex(hmac(secretSigning, stringToSign));
    }

    private static String date(long timestamp) {
        return DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.ofEpochSecond(timestamp).atOffset(ZoneOffset.UTC));
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
