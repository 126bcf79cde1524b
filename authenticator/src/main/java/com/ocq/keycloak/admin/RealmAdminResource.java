package com.ocq.keycloak.admin;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * What every OCQ resource under {@code /admin/realms/{realm}/ocq} works with during one request: the
 * session, the realm, the caller's admin permissions and the admin-event builder, as Keycloak hands
 * them to {@link OcqAdminResourceProviderFactory}; a resource passes them on to its sub-resources.
 */
abstract class RealmAdminResource {

    final KeycloakSession session;
    final RealmModel realm;
    final AdminPermissionEvaluator auth;
    final AdminEventBuilder adminEvent;

    RealmAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    /** The same request, for a sub-resource of {@code parent}. */
    RealmAdminResource(RealmAdminResource parent) {
        this(parent.session, parent.realm, parent.auth, parent.adminEvent);
    }
}
