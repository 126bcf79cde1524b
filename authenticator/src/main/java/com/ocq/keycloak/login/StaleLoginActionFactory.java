package com.ocq.keycloak.login;

import java.util.List;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.provider.ProviderConfigProperty;

import com.ocq.keycloak.SingletonProviderFactory;

/** {@value #PROVIDER_ID}: a login that verified the password before a reset of it fails. Enable it first in the realm. */
public final class StaleLoginActionFactory extends SingletonProviderFactory<RequiredActionProvider> implements RequiredActionFactory {

    public static final String PROVIDER_ID = "ocq-stale-login";

    public StaleLoginActionFactory() {
        super(PROVIDER_ID, new StaleLoginAction());
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
