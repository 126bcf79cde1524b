package com.ocq.keycloak.login;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import com.ocq.keycloak.sms.Version;

/**
 * {@value #PROVIDER_ID}: the event listener that keeps {@code lastLoginTime}; a realm enables it in
 * its event listeners. Option {@code time-zone} (default {@value #DEFAULT_ZONE}) is the zone the
 * time is written in.
 */
public final class LastLoginListenerFactory implements EventListenerProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "ocq-last-login";
    static final String DEFAULT_ZONE = "Asia/Shanghai";

    private ZoneId zone = ZoneId.of(DEFAULT_ZONE);

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new LastLoginListener(session, zone);
    }

    @Override
    public void init(Config.Scope config) {
        String configured = config.get("time-zone", DEFAULT_ZONE);
        try {
            zone = ZoneId.of(configured.strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("spi-events-listener--" + PROVIDER_ID + "--time-zone: not a time zone: " + configured, e);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("time-zone").type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_ZONE)
                .helpText("Time zone of lastLoginTime (written as ISO-8601 with the zone's offset)").add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("version", Version.get(), "time-zone", zone.getId());
    }
}
