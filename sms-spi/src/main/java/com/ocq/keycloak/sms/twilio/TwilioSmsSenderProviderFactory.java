package com.ocq.keycloak.sms.twilio;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

import com.ocq.keycloak.sms.GatewaySenderProviderFactory;
import com.ocq.keycloak.sms.SenderConfig;
import com.ocq.keycloak.sms.SmsSenderProvider;

/**
 * The {@value #PROVIDER_ID} sender: Twilio Programmable Messaging.
 *
 * <p>Options ({@code --spi-ocq-sms-sender--twilio--<key>}): {@code account-sid} (required),
 * {@code auth-token} (secret) or {@code api-key-sid} with {@code api-key-secret} (secret),
 * {@code from} or {@code messaging-service-sid}, {@code endpoint} (default
 * {@value #DEFAULT_ENDPOINT}), {@code connect-timeout} and {@code timeout} (milliseconds). Secrets
 * may be {@code ${vault.key}} references. A missing option does not stop Keycloak: every send
 * then fails permanently, naming the option.
 */
public final class TwilioSmsSenderProviderFactory extends GatewaySenderProviderFactory {

    public static final String PROVIDER_ID = "twilio";
    public static final String DEFAULT_ENDPOINT = "https://api.twilio.com";

    static final List<String> OPTIONS = List.of("account-sid", "auth-token", "api-key-sid", "api-key-secret", "from",
            "messaging-service-sid", "endpoint", "connect-timeout", "timeout");

    private static final Logger LOG = Logger.getLogger(TwilioSmsSenderProviderFactory.class);

    private String problem;
    private String endpoint;
    private URI messagesUri;
    private String accountSid;
    private String apiKeySid;
    private String from;
    private String messagingServiceSid;

    public TwilioSmsSenderProviderFactory() {
        super(PROVIDER_ID);
    }

    @Override
    protected void configure(SenderConfig config) {
        accountSid = config.get("account-sid");
        apiKeySid = config.get("api-key-sid");
        from = config.get("from");
        messagingServiceSid = config.get("messaging-service-sid");
        problem = check(config);
        if (problem == null) {
            LOG.debugf("SMS sender '%s' sends through %s", PROVIDER_ID, endpoint);
        } else if (OPTIONS.stream().anyMatch(key -> config.get(key) != null)) {
            LOG.warnf("%s; it fails every message until then", problem);
        } else {
            LOG.debugf("SMS sender '%s' is not configured", PROVIDER_ID);
        }
    }

    /** The first configuration problem, naming its option, or null. */
    private String check(SenderConfig config) {
        URI base;
        try {
            base = config.uri("endpoint", DEFAULT_ENDPOINT);
        } catch (RuntimeException e) {
            // the message of a bad URI quotes it; an endpoint is no secret, but keep messages uniform
            return config.invalid("endpoint", "must be an absolute http(s) URL");
        }
        if (base.getHost() == null || base.getRawQuery() != null || base.getRawFragment() != null) {
            return config.invalid("endpoint", "must be an absolute http(s) URL without query");
        }
        endpoint = base.toString().replaceAll("/+$", "");
        if (accountSid == null) {
            return config.missing("account-sid");
        }
        if (!accountSid.matches("[A-Za-z0-9]{2,64}")) {
            return config.invalid("account-sid", "is not a Twilio Account SID (AC followed by 32 hex digits)");
        }
        messagesUri = URI.create(endpoint + "/2010-04-01/Accounts/" + accountSid + "/Messages.json");
        if (apiKeySid != null) {
            if (config.get("api-key-secret") == null) {
                return config.missing("api-key-secret") + " (api-key-sid is set)";
            }
        } else if (config.get("auth-token") == null) {
            return config.missing("auth-token") + " (or api-key-sid and api-key-secret)";
        }
        if (from == null && messagingServiceSid == null) {
            return config.missing("from") + " (or messaging-service-sid)";
        }
        return null;
    }

    @Override
    public SmsSenderProvider create(KeycloakSession session) {
        if (problem != null) {
            return SmsSenderProvider.failing(problem);
        }
        SenderConfig config = config();
        String secretKey = apiKeySid != null ? "api-key-secret" : "auth-token";
        String secret;
        try {
            secret = config.secret(session, secretKey);
        } catch (RuntimeException e) {
            return SmsSenderProvider.failing(config.unresolved(secretKey, e));
        }
        if (secret == null || secret.isBlank()) {
            return SmsSenderProvider.failing(config.missing(secretKey));
        }
        if (SenderConfig.isVaultReference(secret)) {
            // no realm in this session: sending the reference itself as a password helps nobody
            return SmsSenderProvider.failing("SMS sender '" + PROVIDER_ID + "': " + config.option(secretKey)
                    + " is a vault reference and this session has no realm to resolve it");
        }
        return new TwilioSmsSender(messagesUri, apiKeySid != null ? apiKeySid : accountSid, secret, from,
                messagingServiceSid, http());
    }

    /** The settings, never the Auth Token nor the API key secret. */
    @Override
    protected void describe(Map<String, String> info) {
        info.put("configured", problem == null ? "true" : "false: " + problem);
        if (endpoint != null) {
            info.put("endpoint", endpoint);
        }
        if (accountSid != null) {
            info.put("accountSid", accountSid);
        }
        info.put("authentication", apiKeySid != null ? "api-key " + apiKeySid : "auth-token");
        if (messagingServiceSid != null) {
            info.put("messagingServiceSid", messagingServiceSid);
        } else if (from != null) {
            info.put("from", from);
        }
        if (http() != null) {
            info.put("timeoutMillis", String.valueOf(http().timeout().toMillis()));
        }
    }
}
