package com.ocq.keycloak.sms;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.vault.VaultStringSecret;

/**
 * Typed, never-throwing access to a sender's SPI options ({@code --spi-ocq-sms-sender--<id>--<key>}
 * or {@code KC_SPI_OCQ_SMS_SENDER__<ID>__<KEY>}); defaults live with the caller. Secrets may be
 * vault references ({@code vault:key}), resolved through Keycloak's vault in the realm of the request.
 */
public final class SenderConfig {

    private final Config.Scope scope;
    private final String providerId;

    public SenderConfig(Config.Scope scope, String providerId) {
        this.scope = scope;
        this.providerId = providerId;
    }

    public String providerId() {
        return providerId;
    }

    /** The trimmed value, or {@code fallback} when missing or blank. */
    public String get(String key, String fallback) {
        String value = scope == null ? null : scope.get(key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    public String get(String key) {
        return get(key, null);
    }

    /** A value that must be present; a clear configuration error otherwise. */
    public String required(String key) {
        String value = get(key);
        if (value == null) {
            throw new IllegalStateException(missing(key));
        }
        return value;
    }

    /** The full name of an option of this sender, such as {@code spi-ocq-sms-sender--http--url}. */
    public String option(String key) {
        return "spi-" + SmsSenderSpi.NAME + "--" + providerId + "--" + key;
    }

    /** The problem "this sender needs the option", naming it (never its value). */
    public String missing(String key) {
        return "SMS sender '" + providerId + "' needs the option " + option(key);
    }

    /** The problem "this option is unusable", naming it and saying why (never quoting its value). */
    public String invalid(String key, String why) {
        return "SMS sender '" + providerId + "': the option " + option(key) + " " + why;
    }

    /** A comma-separated list, blanks dropped. */
    public List<String> list(String key, List<String> fallback) {
        String value = get(key);
        if (value == null) {
            return fallback;
        }
        List<String> items = Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return items.isEmpty() ? fallback : items;
    }

    /** Milliseconds, clamped to {@code [min, max]}; unparsable values give the default. */
    public Duration millis(String key, Duration fallback, Duration min, Duration max) {
        String value = get(key);
        long ms;
        try {
            ms = value == null ? fallback.toMillis() : Long.parseLong(value);
        } catch (NumberFormatException e) {
            ms = fallback.toMillis();
        }
        return Duration.ofMillis(Math.max(min.toMillis(), Math.min(max.toMillis(), ms)));
    }

    public int integer(String key, int fallback, int min, int max) {
        String value = get(key);
        int n;
        try {
            n = value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            n = fallback;
        }
        return Math.max(min, Math.min(max, n));
    }

    /** An absolute http(s) URI, for endpoints (tests point them at a loopback gateway). */
    public URI uri(String key, String fallback) {
        String value = get(key, fallback);
        URI uri = URI.create(value);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalStateException("SMS sender '" + providerId + "': " + key + " must be an http(s) URL");
        }
        return uri;
    }

    /**
     * The problem "the vault could not resolve this option", naming it and the kind of failure;
     * never the exception's message, since nothing of a secret store's answer may reach a log.
     */
    public String unresolved(String key, RuntimeException e) {
        return "SMS sender '" + providerId + "': the vault could not resolve " + option(key) + " ("
                + e.getClass().getSimpleName() + ")";
    }

    /**
     * A secret: the option's value itself, or, when it is {@code vault:key}, the vault's entry
     * for the current realm; {@code null} when missing or when a vault reference cannot be
     * resolved (no realm, no entry), never the reference text itself. Never logged.
     */
    public String secret(KeycloakSession session, String key) {
        return resolve(session, get(key));
    }

    /** {@link #secret} for a value that is not an option of its own (a header value, say). */
    public static String resolve(KeycloakSession session, String value) {
        if (!isVaultReference(value)) {
            return value;
        }
        if (session == null || session.getContext().getRealm() == null) {
            return null;
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(vaultExpression(value))) {
            return secret.get().orElse(null);
        }
    }

    /**
     * A vault reference: {@code vault:name}, or {@code ${vault.name}}. Keycloak's configuration
     * expands {@code ${...}} in option values itself, so on the command line, in keycloak.conf
     * and in environment variables the {@code vault:name} form is the one that arrives intact.
     */
    public static boolean isVaultReference(String value) {
        return value != null && (value.startsWith("${vault.") || value.startsWith(VAULT_PREFIX));
    }

    public static String vaultExpression(String value) {
        return value.startsWith(VAULT_PREFIX) ? "${vault." + value.substring(VAULT_PREFIX.length()) + "}" : value;
    }

    private static final String VAULT_PREFIX = "vault:";
}
