package com.ocq.keycloak.login;

import java.util.List;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

import com.ocq.keycloak.OcqProviderFactory;

/** {@value #PROVIDER_ID}: a login that verified the password before a reset of it fails. Enable it first in the realm. */
public final class StaleLoginActionFactory implements RequiredActionFactory, OcqProviderFactory<RequiredActionProvider> {

    public static final String PROVIDER_ID = "ocq-stale-login";
    private static final StaleLoginAction INSTANCE = new StaleLoginAction();

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "OCQ: end sign-ins that began before a password reset (automatic, do not assign)";
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return List.of();
    }
}
