package com.ocq.keycloak.reset;

import java.security.SecureRandom;
import java.util.List;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

import com.ocq.keycloak.OcqProviderFactory;

/** The factories of the three steps of OCQ's SMS reset flow. */
public final class ResetAuthenticatorFactories {

    private ResetAuthenticatorFactories() {
    }

    private abstract static class Base implements AuthenticatorFactory, OcqProviderFactory<Authenticator> {
        private static final AuthenticationExecutionModel.Requirement[] REQUIRED = {AuthenticationExecutionModel.Requirement.REQUIRED};

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return REQUIRED;
        }

        @Override
        public boolean isConfigurable() {
            return false;
        }

        @Override
        public boolean isUserSetupAllowed() {
            return false;
        }

        @Override
        public String getReferenceCategory() {
            return null;
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return List.of();
        }
    }

    /** {@value #PROVIDER_ID}: the account, as a mobile number, username or email. */
    public static final class ChooseUser extends Base {
        public static final String PROVIDER_ID = "ocq-reset-choose-user";
        private static final ChooseUserAuthenticator INSTANCE = new ChooseUserAuthenticator();

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "OCQ: choose account (mobile number, username or email)";
        }

        @Override
        public String getHelpText() {
            return "Finds the account by mobile number, username or email without revealing whether it exists.";
        }
    }

    /** {@value #PROVIDER_ID}: send and check the SMS code, within every limit. */
    public static final class SmsCode extends Base {
        public static final String PROVIDER_ID = "ocq-reset-sms-code";
        private static final SmsCodeAuthenticator INSTANCE = new SmsCodeAuthenticator(new SecureRandom());

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public boolean isConfigurable() {
            return true;
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return SmsCodeConfig.PROPERTIES;
        }

        @Override
        public String getDisplayType() {
            return "OCQ: SMS verification code";
        }

        @Override
        public String getHelpText() {
            return "Sends a 6-digit code by SMS to the account's mobile number and checks it. Limits and senders are set here.";
        }
    }

    /** {@value #PROVIDER_ID}: the new password, then sessions ended and the password-changed SMS. */
    public static final class NewPassword extends Base {
        public static final String PROVIDER_ID = "ocq-reset-new-password";
        private static final NewPasswordAuthenticator INSTANCE = new NewPasswordAuthenticator();

        @Override
        public Authenticator create(KeycloakSession session) {
            return INSTANCE;
        }

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "OCQ: set the new password";
        }

        @Override
        public String getHelpText() {
            return "Asks for the new password twice, applies the realm's policy, ends the user's sessions and sends the password-changed SMS.";
        }
    }
}
