package com.ocq.keycloak.sms;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

/** Factory of an {@link SmsSenderProvider}; {@code init}, {@code postInit} and {@code close} are optional. */
public interface SmsSenderProviderFactory extends ProviderFactory<SmsSenderProvider> {

    @Override
    SmsSenderProvider create(KeycloakSession session);

    @Override
    default void init(Config.Scope config) {
    }

    @Override
    default void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    default void close() {
    }
}
