package com.ocq.keycloak.admin;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.ocq.keycloak.OcqProviderFactory;

/** OCQ's part of the realm admin API: {@code /admin/realms/{realm}/ocq/...}. */
public final class OcqAdminResourceProviderFactory
        implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider, OcqProviderFactory<AdminRealmResourceProvider> {

    public static final String PROVIDER_ID = "ocq";

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return new OcqAdminResource(session, realm, auth, adminEvent);
    }

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void close() {
        // both a factory and its provider: one close for the two
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
