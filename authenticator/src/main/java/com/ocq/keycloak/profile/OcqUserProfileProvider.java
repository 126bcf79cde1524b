package com.ocq.keycloak.profile;

import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.Attributes;
import org.keycloak.userprofile.DeclarativeUserProfileProvider;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileMetadata;

/** Keycloak's declarative user profile, with {@link MobileNumberAttributes} for every user but service accounts. */
final class OcqUserProfileProvider extends DeclarativeUserProfileProvider {

    private final KeycloakSession session;

    OcqUserProfileProvider(KeycloakSession session, OcqUserProfileProviderFactory factory) {
        super(session, factory);
        this.session = session;
    }

    @Override
    protected Attributes createAttributes(UserProfileContext context, Map<String, ?> attributes, UserModel user,
            UserProfileMetadata metadata) {
        if (user != null && user.getServiceAccountClientLink() != null) {
            return super.createAttributes(context, attributes, user, metadata);
        }
        return new MobileNumberAttributes(context, attributes, user, metadata, session);
    }
}
