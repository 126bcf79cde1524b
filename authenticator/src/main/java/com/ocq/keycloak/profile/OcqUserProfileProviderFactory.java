package com.ocq.keycloak.profile;

import org.keycloak.models.KeycloakSession;
import org.keycloak.userprofile.DeclarativeUserProfileProvider;
import org.keycloak.userprofile.DeclarativeUserProfileProviderFactory;

/**
 * Takes the place of Keycloak's {@code declarative-user-profile} provider: same id (so realms keep
 * their user-profile configuration component, and the realm template stays Keycloak's format), a
 * higher order (Keycloak's provider manager keeps, of two factories with one id, the one of higher
 * order), and everything else inherited. The only difference is {@link OcqUserProfileProvider}.
 */
public final class OcqUserProfileProviderFactory extends DeclarativeUserProfileProviderFactory {

    @Override
    public DeclarativeUserProfileProvider create(KeycloakSession session) {
        return new OcqUserProfileProvider(session, this);
    }

    @Override
    public int order() {
        return PROVIDER_PRIORITY + 1;
    }
}
