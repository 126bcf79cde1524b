package com.ocq.keycloak.sms.tencent;

import java.net.URI;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

import com.ocq.keycloak.sms.GatewaySenderProviderFactory;
import com.ocq.keycloak.sms.SenderConfig;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsSenderProvider;

/**
 * The {@value #PROVIDER_ID} sender: Tencent Cloud SMS ({@code SendSms}, API 2021-01-11, signed with
 * TC3-HMAC-SHA256). Options, under {@code spi-ocq-sms-sender--tencent--}: {@code secret-id},
 * {@code secret-key} (may be {@code ${vault.key}}), {@code sdk-app-id}, {@code sign-name},
 * {@code template-verification-code}, {@code template-password-changed},
 * {@code template-initial-password}, {@code region} (default {@value #DEFAULT_REGION}),
 * {@code endpoint} (default {@value #DEFAULT_ENDPOINT}), {@code connect-timeout} and
 * {@code timeout} (milliseconds). An unconfigured sender does not stop Keycloak from starting; it
 * fails each send, permanently, naming what is missing.
 */
public final class TencentSmsSenderProviderFactory extends GatewaySenderProviderFactory {

    public static final String PROVIDER_ID = "tencent";

    static final String DEFAULT_REGION = "ap-guangzhou";
    static final String DEFAULT_ENDPOINT = "https://sms.tencentcloudapi.com";

    private static final Logger LOG = Logger.getLogger(TencentSmsSenderProviderFactory.class);
    private static final List<String> REQUIRED = List.of("secret-id", "secret-key", "sdk-app-id", "sign-name");

    private final Clock clock;
    private TencentSmsSender.Settings settings;
    private String problem;

    public TencentSmsSenderProviderFactory() {
        this(Clock.systemUTC());
    }

    /** For tests: a fixed clock gives a known {@code X-TC-Timestamp}. */
    TencentSmsSenderProviderFactory(Clock clock) {
        super(PROVIDER_ID);
        this.clock = clock;
    }

    /** The option holding the TemplateId of a purpose, such as {@code template-verification-code}. */
    static String templateOption(SmsPurpose purpose) {
        return "template-" + purpose.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    protected void configure(SenderConfig config) {
        Map<SmsPurpose, String> templates = new EnumMap<>(SmsPurpose.class);
        for (SmsPurpose purpose : SmsPurpose.values()) {
            String id = config.get(templateOption(purpose));
            if (id != null) {
                templates.put(purpose, id);
            }
        }
        URI endpoint = URI.create(DEFAULT_ENDPOINT);
        List<String> missing = REQUIRED.stream().filter(key -> config.get(key) == null).toList();
        if (!missing.isEmpty()) {
            problem = "SMS sender 'tencent' is missing the option " + String.join(", ", missing);
        }
        try {
            endpoint = config.uri("endpoint", DEFAULT_ENDPOINT);
            if (endpoint.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
        } catch (RuntimeException e) {
            String invalid = "SMS sender 'tencent': the option endpoint must be an http(s) URL";
            problem = problem == null ? invalid : problem + "; " + invalid;
            endpoint = URI.create(DEFAULT_ENDPOINT);
        }
        settings = new TencentSmsSender.Settings(endpoint, config.get("region", DEFAULT_REGION), config.get("secret-id"),
                config.get("sdk-app-id"), config.get("sign-name"), Map.copyOf(templates));
        boolean partlyConfigured = !templates.isEmpty() || missing.size() < REQUIRED.size();
        if (problem != null && partlyConfigured) {
            LOG.warn(problem);
        } else if (problem != null) {
            LOG.debug("SMS sender 'tencent' is not configured; it fails every send until it is");
        }
    }

    @Override
    public SmsSenderProvider create(KeycloakSession session) {
        // The secret is resolved here, on the request's thread, where the session and its vault are usable.
        String secretKey = null;
        String failure = problem;
        if (failure == null) {
            try {
                secretKey = config().secret(session, "secret-key");
                if (secretKey == null || SenderConfig.isVaultReference(secretKey)) {
                    failure = "SMS sender 'tencent': the option secret-key names a vault entry but there is no realm to read it for";
                    secretKey = null;
                }
            } catch (RuntimeException e) {
                failure = "SMS sender 'tencent': the option secret-key could not be read from the vault";
            }
        }
        return new TencentSmsSender(settings, secretKey, failure, http(), clock);
    }

    /** The non-secret settings; never the secret id or key. */
    @Override
    protected void describe(Map<String, String> info) {
        info.put("configured", String.valueOf(problem == null));
        info.put("endpoint", settings.endpoint().toString());
        info.put("region", settings.region());
        info.put("sdkAppId", orNotSet(settings.sdkAppId()));
        info.put("signName", orNotSet(settings.signName()));
    }

    private static String orNotSet(String value) {
        return value == null ? "(not set)" : value;
    }
}
