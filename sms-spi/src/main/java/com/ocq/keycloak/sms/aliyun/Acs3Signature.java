package com.ocq.keycloak.sms.aliyun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Alibaba Cloud's V3 request signature, {@value #ALGORITHM}: the hex HMAC-SHA256, keyed with the
 * AccessKey secret, of the algorithm name and the hex SHA-256 of the canonical request.
 */
final class Acs3Signature {

    static final String ALGORITHM = "ACS3-HMAC-SHA256";

    private Acs3Signature() {
    }

    /**
     * The canonical request. {@code headers} are the ones to sign (host, content-type, x-acs-*),
     * any case; {@code query} the query parameters, unencoded.
     */
    static String canonicalRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
            String hashedPayload) {
        SortedMap<String, String> canonicalHeaders = lowerCased(headers);
        return method + '\n'
                + path + '\n'
                + canonicalQuery(query) + '\n'
                + canonicalHeaders.entrySet().stream().map(e -> e.getKey() + ':' + e.getValue().strip() + '\n')
                        .collect(Collectors.joining()) + '\n'
                + signedHeaders(headers) + '\n'
                + hashedPayload;
    }

    /** The header names, lower-cased, sorted, joined by semicolons. */
    static String signedHeaders(Map<String, String> headers) {
        return String.join(";", lowerCased(headers).keySet());
    }

    /** Parameters sorted by name, names and values percent-encoded, joined by {@code &}. */
    static String canonicalQuery(Map<String, String> query) {
        return new TreeMap<>(query).entrySet().stream()
                .map(e -> percentEncode(e.getKey()) + '=' + percentEncode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String signature(String accessKeySecret, String canonicalRequest) {
        String stringToSign = ALGORITHM + '\n' + sha256Hex(canonicalRequest);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(accessKeySecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    static String authorization(String accessKeyId, String signedHeaders, String signature) {
        return ALGORITHM + " Credential=" + accessKeyId + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature;
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** RFC 3986: everything but {@code A-Z a-z 0-9 - _ . ~} as {@code %XX} of its UTF-8 bytes. */
    static String percentEncode(String s) {
        StringBuilder out = new StringBuilder(s.length() * 3);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static SortedMap<String, String> lowerCased(Map<String, String> headers) {
        SortedMap<String, String> sorted = new TreeMap<>();
        headers.forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), v));
        return sorted;
    }
}
