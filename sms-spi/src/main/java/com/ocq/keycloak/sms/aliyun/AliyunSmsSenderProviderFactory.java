package com.ocq.keycloak.sms.aliyun;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

import com.ocq.keycloak.sms.GatewaySenderProviderFactory;
import com.ocq.keycloak.sms.SenderConfig;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsSenderProvider;

/**
 * The {@value #PROVIDER_ID} sender: Alibaba Cloud SMS (Dysms {@code SendSms}). Options, all under
 * {@code spi-ocq-sms-sender--aliyun--}: {@code access-key-id}, {@code access-key-secret} (may be a
 * {@code ${vault.key}} reference), {@code sign-name}, one TemplateCode per purpose
 * ({@code template-verification-code}, {@code template-password-changed},
 * {@code template-initial-password}), {@code endpoint} (default {@value #DEFAULT_ENDPOINT}),
 * {@code connect-timeout} and {@code timeout} (ms). A missing option never breaks start-up: sends
 * fail permanently, naming it.
 */
public final class AliyunSmsSenderProviderFactory extends GatewaySenderProviderFactory {

    public static final String PROVIDER_ID = "aliyun";
    public static final String DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com";

    static final String ACCESS_KEY_ID = "access-key-id";
    static final String ACCESS_KEY_SECRET = "access-key-secret";
    static final String SIGN_NAME = "sign-name";
    static final String ENDPOINT = "endpoint";

    private static final Logger LOG = Logger.getLogger(AliyunSmsSenderProviderFactory.class);

    private final Clock clock;
    private final Supplier<String> nonces;

    private URI endpoint;
    private String accessKeyId;
    private String signName;
    private Map<SmsPurpose, String> templates;

    public AliyunSmsSenderProviderFactory() {
        this(Clock.systemUTC(), AliyunSmsSender::randomNonce);
    }

    /** For tests: a fixed clock and nonce make the signed request predictable. */
    AliyunSmsSenderProviderFactory(Clock clock, Supplier<String> nonces) {
        super(PROVIDER_ID);
        this.clock = clock;
        this.nonces = nonces;
    }

    @Override
    protected void configure(SenderConfig config) {
        try {
            endpoint = config.uri(ENDPOINT, DEFAULT_ENDPOINT);
            if (endpoint.getHost() == null) {
                endpoint = null;
            }
        } catch (RuntimeException e) {
            endpoint = null;
        }
        accessKeyId = config.get(ACCESS_KEY_ID);
        signName = config.get(SIGN_NAME);
        templates = new EnumMap<>(SmsPurpose.class);
        for (SmsPurpose purpose : SmsPurpose.values()) {
            String template = config.get(AliyunSmsSender.templateOption(purpose));
            if (template != null) {
                templates.put(purpose, template);
            }
        }
        if (config.get(ACCESS_KEY_ID) != null && !missingOptions().isEmpty()) {
            LOG.warnf("SMS sender '%s' lacks the options %s; messages that need them will fail", PROVIDER_ID, missingOptions());
        }
    }

    @Override
    public SmsSenderProvider create(KeycloakSession session) {
        String secret;
        try {
            secret = config().secret(session, ACCESS_KEY_SECRET);
        } catch (RuntimeException e) {
            // Never e.getMessage(): nothing of a secret store's answer goes to the log.
            LOG.warnf("SMS sender '%s' could not read the option %s (%s)", PROVIDER_ID, ACCESS_KEY_SECRET,
                    e.getClass().getSimpleName());
            secret = null;
        }
        return new AliyunSmsSender(http(), endpoint, accessKeyId, secret, signName, templates, clock, nonces);
    }

    /** Non-secret settings only: no key id, no secret. */
    @Override
    protected void describe(Map<String, String> info) {
        info.put(ENDPOINT, endpoint == null ? "invalid" : endpoint.toString());
        info.put(SIGN_NAME, signName == null ? "" : signName);
        for (SmsPurpose purpose : SmsPurpose.values()) {
            info.put(AliyunSmsSender.templateOption(purpose), templates.getOrDefault(purpose, ""));
        }
        info.put("timeout", http().timeout().toMillis() + " ms");
        List<String> missing = missingOptions();
        info.put("missing-options", missing.isEmpty() ? "none" : String.join(", ", missing));
    }

    private List<String> missingOptions() {
        List<String> missing = new ArrayList<>();
        if (endpoint == null) {
            missing.add(ENDPOINT);
        }
        for (String key : List.of(ACCESS_KEY_ID, ACCESS_KEY_SECRET, SIGN_NAME)) {
            if (config().get(key) == null) {
                missing.add(key);
            }
        }
        for (SmsPurpose purpose : SmsPurpose.values()) {
            if (!templates.containsKey(purpose)) {
                missing.add(AliyunSmsSender.templateOption(purpose));
            }
        }
        return missing;
    }
}
