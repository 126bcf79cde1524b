package com.ocq.keycloak.admin.page;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

import com.ocq.keycloak.OcqProviderFactory;

/** Serves the OCQ employee-accounts page at {@code /realms/{realm}/ocq-admin/}. */
public final class AdminPageProviderFactory implements RealmResourceProviderFactory, OcqProviderFactory<RealmResourceProvider> {

    public static final String PROVIDER_ID = "ocq-admin";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new AdminPage(session);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
