package com.ocq.keycloak;

import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

/**
 * An {@link OcqProviderFactory} whose provider is one stateless object shared by every session:
 * {@link #create} returns it and {@link #getId} the id given with it.
 */
public abstract class SingletonProviderFactory<T extends Provider> implements OcqProviderFactory<T> {

    private final String id;
    private final T instance;

    protected SingletonProviderFactory(String id, T instance) {
        this.id = id;
        this.instance = instance;
    }

    @Override
    public final T create(KeycloakSession session) {
        return instance;
    }

    @Override
    public final String getId() {
        return id;
    }
}
