package com.ocq.keycloak.password;

import java.util.List;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.userprofile.ValidationException;
import org.keycloak.validate.ValidationError;

import com.ocq.keycloak.SingletonProviderFactory;

/**
 * Registers {@link ChangePassword} under Keycloak's own required-action id {@value #PROVIDER_ID}, so
 * every path that leads to a password update (the OCQ app's {@code kc_action}, the account console,
 * a temporary password, Keycloak's own flows) gets it without any realm change. Keycloak keeps one
 * factory per SPI and id: the one with the higher {@link #order()} ({@code ProviderManager.compareFactories});
 * Keycloak's {@code UpdatePassword} has order 0.
 */
public final class ChangePasswordFactory extends SingletonProviderFactory<RequiredActionProvider> implements RequiredActionFactory {

    public static final String PROVIDER_ID = UserModel.RequiredAction.UPDATE_PASSWORD.name();
    static final int ORDER = 100;

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property()
            .name(Constants.MAX_AUTH_AGE_KEY)
            .label("Maximum Age of Authentication")
            .helpText("Seconds after the last sign-in after which Keycloak asks the user to sign in again before a password change "
                    + "started by an application (kc_action, the account console). Empty: never within a session, because the "
                    + "OCQ form asks for the current password itself. The password policy's Maximum Authentication Age wins over this.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .add()
            .build();

    public ChangePasswordFactory() {
        super(PROVIDER_ID, new ChangePassword());
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public String getDisplayText() {
        return "Update Password";
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return CONFIG;
    }

    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, RequiredActionConfigModel model) {
        String value = model.getConfigValue(Constants.MAX_AUTH_AGE_KEY);
        if (value == null || value.isBlank()) {
            return;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ValidationException(new ValidationError(getId(), Constants.MAX_AUTH_AGE_KEY, "error-invalid-value"));
        }
        if (seconds < 0) {
            throw new ValidationException(new ValidationError(getId(), Constants.MAX_AUTH_AGE_KEY, "error-number-out-of-range-too-small", 0));
        }
    }
}
