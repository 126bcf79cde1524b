package com.ocq.keycloak.sms.http;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.vault.VaultStringSecret;

import com.ocq.keycloak.sms.GatewaySenderProviderFactory;
import com.ocq.keycloak.sms.SenderConfig;
import com.ocq.keycloak.sms.SmsSenderProvider;

/**
 * The {@value #PROVIDER_ID} sender: a signed JSON webhook for in-house SMS gateways.
 *
 * <p>Each message is {@code POST {url}} with {@code Content-Type: application/json; charset=utf-8}
 * and the body {@code {"id","timestamp","to","purpose","locale","parameters","text"}}; headers
 * {@code X-OCQ-Timestamp} (the same epoch seconds), {@code X-OCQ-Signature: v1=<hex HMAC-SHA256(secret,
 * timestamp + "." + raw body)>} and {@code Idempotency-Key} (the id), plus the static {@code headers}.
 * A 2xx is accepted (gateway id from a JSON {@code messageId}); 4xx is permanent except 408 and 429;
 * 5xx is temporary; a JSON {@code {"error":{"code":"...","permanent":true|false}}} overrides the status.
 *
 * <p>Options ({@code --spi-ocq-sms-sender--http--<key>}): {@code url} (required), {@code secret}
 * (required, secret), {@code headers} (comma-separated {@code Name=Value}; a value may be a
 * {@code ${vault.key}} reference), {@code connect-timeout} and {@code timeout} (milliseconds). A
 * missing option does not stop Keycloak: every send then fails permanently, naming the option.
 */
public final class HttpSmsSenderProviderFactory extends GatewaySenderProviderFactory {

    public static final String PROVIDER_ID = "http";

    static final List<String> OPTIONS = List.of("url", "secret", "headers", "connect-timeout", "timeout");

    /** Headers the sender sets itself, or that the HTTP client refuses. */
    static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host", "connection", "expect",
            "upgrade", "te", "trailer", "transfer-encoding", "accept", "user-agent", "x-ocq-timestamp", "x-ocq-signature",
            "idempotency-key");

    private static final Logger LOG = Logger.getLogger(HttpSmsSenderProviderFactory.class);

    private String problem;
    private URI url;
    private Map<String, String> headers = Map.of();

    public HttpSmsSenderProviderFactory() {
        super(PROVIDER_ID);
    }

    @Override
    protected void configure(SenderConfig config) {
        problem = check(config);
        if (problem == null) {
            LOG.debugf("SMS sender '%s' posts to %s", PROVIDER_ID, safeUrl());
        } else if (OPTIONS.stream().anyMatch(key -> config.get(key) != null)) {
            LOG.warnf("%s; it fails every message until then", problem);
        } else {
            LOG.debugf("SMS sender '%s' is not configured", PROVIDER_ID);
        }
    }

    /** The first configuration problem, naming its option, or null. Never quotes a value. */
    private String check(SenderConfig config) {
        if (config.get("url") == null) {
            return config.missing("url");
        }
        try {
            url = config.uri("url", null);
        } catch (RuntimeException e) {
            // a bad URI's message quotes it, and a URL may carry a token: say only what is wrong
            return config.invalid("url", "must be an absolute http(s) URL");
        }
        if (url.getHost() == null || url.getRawFragment() != null) {
            url = null;
            return config.invalid("url", "must be an absolute http(s) URL");
        }
        if (config.get("secret") == null) {
            return config.missing("secret");
        }
        Map<String, String> parsed = new LinkedHashMap<>();
        int n = 0;
        for (String entry : config.list("headers", List.of())) {
            n++;
            int eq = entry.indexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).strip();
            String value = eq < 0 ? "" : entry.substring(eq + 1).strip();
            if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") || value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return config.invalid("headers", "entry " + n + " is not Name=Value");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(lower)) {
                return config.invalid("headers", "may not set " + name + " (the sender sets it)");
            }
            if (parsed.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name))) {
                return config.invalid("headers", "names " + name + " twice");
            }
            parsed.put(name, value);
        }
        headers = Map.copyOf(parsed);
        return null;
    }

    @Override
    public SmsSenderProvider create(KeycloakSession session) {
        if (problem != null) {
            return SmsSenderProvider.failing(problem);
        }
        SenderConfig config = config();
        String secret;
        try {
            secret = config.secret(session, "secret");
        } catch (RuntimeException e) {
            return SmsSenderProvider.failing(config.unresolved("secret", e));
        }
        if (secret == null || secret.isBlank()) {
            return SmsSenderProvider.failing(config.missing("secret"));
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                resolved.put(header.getKey(), vault(session, header.getKey(), header.getValue()));
            }
        } catch (UnresolvedException e) {
            return SmsSenderProvider.failing(e.getMessage());
        } catch (RuntimeException e) {
            return SmsSenderProvider.failing("SMS sender '" + PROVIDER_ID + "': the vault could not resolve a header of "
                    + config.option("headers") + " (" + e.getClass().getSimpleName() + ")");
        }
        return new HttpSmsSender(url, secret, resolved, http(), Clock.systemUTC(), UUID::randomUUID);
    }

    /**
     * A header value, or the vault's entry when it is a {@code ${vault.key}} reference, the same
     * way {@link SenderConfig#secret} resolves an option.
     */
    private String vault(KeycloakSession session, String name, String value) {
        if (!SenderConfig.isVaultReference(value)) {
            return value;
        }
        SenderConfig config = config();
        if (session == null || session.getContext().getRealm() == null) {
            throw new UnresolvedException("SMS sender '" + PROVIDER_ID + "': " + config.option("headers")
                    + " is a vault reference and this session has no realm to resolve it (header " + name + ")");
        }
        try (VaultStringSecret secret = session.vault().getStringSecret(SenderConfig.vaultExpression(value))) {
            String resolved = secret.get().orElseThrow(() -> new UnresolvedException(
                    "SMS sender '" + PROVIDER_ID + "': the vault has no entry for header " + name + " of " + config.option("headers")));
            if (resolved.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new UnresolvedException(config.invalid("headers", "header " + name + ": the vault entry has control characters"));
            }
            return resolved;
        }
    }

    /** A vault problem whose message is safe to show (it names options, never values). */
    private static final class UnresolvedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnresolvedException(String message) {
            super(message, null, false, false);
        }
    }

    /** The settings: the URL without credentials or query, header names only, never the secret. */
    @Override
    protected void describe(Map<String, String> info) {
        info.put("configured", problem == null ? "true" : "false: " + problem);
        if (url != null) {
            info.put("url", safeUrl());
        }
        if (!headers.isEmpty()) {
            info.put("headers", String.join(",", new java.util.TreeSet<>(headers.keySet())));
        }
        if (http() != null) {
            info.put("timeoutMillis", String.valueOf(http().timeout().toMillis()));
        }
    }

    /** The URL for logs and the admin console: no user info, no query. */
    private String safeUrl() {
        if (url == null) {
            return null;
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
