package com.ocq.keycloak.sms.testing;

import java.util.Map;
import java.util.Set;

import org.keycloak.Config;

/** SPI options for a factory's {@code init}, as Keycloak would pass them (kebab-case keys). */
public final class MapScope extends Config.AbstractScope {

    private final Map<String, String> values;

    public MapScope(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public String get(String key) {
        return values.get(key);
    }

    @Override
    public Config.Scope scope(String... scope) {
        return new MapScope(Map.of());
    }

    @Override
    @Deprecated
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public Config.Scope root() {
        return new MapScope(Map.of());
    }
}
