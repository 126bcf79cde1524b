package com.ocq.keycloak.login;

import java.util.Map;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import com.ocq.keycloak.sms.Version;

/** {@value #PROVIDER_ID}: Keycloak's username-password form, with the mobile number and {@code loginMethods}. */
public final class OcqLoginFormFactory extends UsernamePasswordFormFactory implements ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "ocq-login-form";

    @Override
    public Authenticator create(KeycloakSession session) {
        return new OcqLoginForm(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "OCQ: sign in with mobile number, username or email";
    }

    @Override
    public String getHelpText() {
        return "The account is a mobile number (any common form), a username or an email, as the user's loginMethods allow;"
                + " an identifier that is not allowed fails like a wrong password.";
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("version", Version.get());
    }
}
