package com.ocq.keycloak.sms;

import java.util.LinkedHashMap;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * A base for the factory of a gateway's sender, so a new vendor writes only what is its own:
 * {@link #init} reads the options under the provider id ({@link #config()}) and makes the HTTP
 * client from their {@code connect-timeout} and {@code timeout} ({@link #http()}), then calls
 * {@link #configure}; the admin console's provider info lists this extension's version, then what
 * {@link #describe} adds.
 */
public abstract class GatewaySenderProviderFactory implements SmsSenderProviderFactory, ServerInfoAwareProviderFactory {

    private final String id;
    private SenderConfig config;
    private SmsHttp http;

    protected GatewaySenderProviderFactory(String id) {
        this.id = id;
    }

    @Override
    public final void init(Config.Scope scope) {
        config = new SenderConfig(scope, id);
        http = SmsHttp.from(config);
        configure(config);
    }

    /** Reads the vendor's own options; must not throw for a missing or unusable one. */
    protected abstract void configure(SenderConfig config);

    @Override
    public final String getId() {
        return id;
    }

    @Override
    public final Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", Version.get());
        describe(info);
        return info;
    }

    /** Adds the settings to show, in order; never a secret. */
    protected abstract void describe(Map<String, String> info);

    /** The sender's options; null before {@link #init}. */
    protected final SenderConfig config() {
        return config;
    }

    /** The sender's HTTP client; null before {@link #init}. */
    protected final SmsHttp http() {
        return http;
    }
}
