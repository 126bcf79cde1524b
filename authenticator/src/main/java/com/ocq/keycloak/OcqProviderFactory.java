package com.ocq.keycloak;

import java.util.Map;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import com.ocq.keycloak.sms.Version;

/**
 * What the factories of this module share: nothing to read at start, nothing to start or stop,
 * and the jar's version on the admin console's provider info.
 */
public interface OcqProviderFactory<T extends Provider> extends ProviderFactory<T>, ServerInfoAwareProviderFactory {

    @Override
    default void init(Config.Scope config) {
    }

    @Override
    default void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    default void close() {
    }

    @Override
    default Map<String, String> getOperationalInfo() {
        return Map.of("version", Version.get());
    }
}
