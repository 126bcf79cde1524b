package com.ocq.keycloak.it.support;

import org.keycloak.admin.client.Keycloak;

/** A running Keycloak with the OCQ jar and realm, shared by every test of one run. */
public interface KeycloakRuntime extends AutoCloseable {

    /** For example {@code http://localhost:41234}, without a trailing slash. */
    String baseUrl();

    /** The management interface (health, metrics), without a trailing slash. */
    String managementUrl();

    /** An admin client signed in to the master realm as the bootstrap admin. */
    Keycloak admin();

    String adminUsername();

    String adminPassword();

    /** The last lines the server wrote, for a failing test's report. */
    default String logTail(int lines) {
        java.util.List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Everything the server wrote so far. */
    String log();

    default String realmUrl() {
        return baseUrl() + "/realms/" + ItConfig.REALM;
    }

    @Override
    void close();
}
