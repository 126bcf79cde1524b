package com.ocq.keycloak.reset;

import java.security.SecureRandom;
import java.util.List;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.provider.ProviderConfigProperty;

import com.ocq.keycloak.SingletonProviderFactory;

/** The factories of the three steps of OCQ's SMS reset flow. */
public final class ResetAuthenticatorFactories {

    private ResetAuthenticatorFactories() {
    }

    /** What the three share: one stateless authenticator, REQUIRED only, no user setup, no reference category. */
    private abstract static class Base extends SingletonProviderFactory<Authenticator> implements AuthenticatorFactory {
        private static final AuthenticationExecutionModel.Requirement[] REQUIRED = {AuthenticationExecutionModel.Requirement.REQUIRED};

        private final String displayType;
        private final String helpText;

        Base(String id, Authenticator instance, String displayType, String helpText) {
            super(id, instance);
            this.displayType = displayType;
            this.helpText = helpText;
        }

        @Override
        public String getDisplayType() {
            return displayType;
        }

        @Override
        public String getHelpText() {
            return helpText;
        }

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

        public ChooseUser() {
            super(PROVIDER_ID, new ChooseUserAuthenticator(),
                    "OCQ: choose account (mobile number, username or email)",
                    "Finds the account by mobile number, username or email without revealing whether it exists.");
        }
    }

    /** {@value #PROVIDER_ID}: send and check the SMS code, within every limit. */
    public static final class SmsCode extends Base {
        public static final String PROVIDER_ID = "ocq-reset-sms-code";

        public SmsCode() {
            super(PROVIDER_ID, new SmsCodeAuthenticator(new SecureRandom()),
                    "OCQ: SMS verification code",
                    "Sends a 6-digit code by SMS to the account's mobile number and checks it. Limits and senders are set here.");
        }

        @Override
        public boolean isConfigurable() {
            return true;
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return SmsCodeConfig.PROPERTIES;
        }
    }

    /** {@value #PROVIDER_ID}: the new password, then sessions ended and the password-changed SMS. */
    public static final class NewPassword extends Base {
        public static final String PROVIDER_ID = "ocq-reset-new-password";

        public NewPassword() {
            super(PROVIDER_ID, new NewPasswordAuthenticator(),
                    "OCQ: set the new password",
                    "Asks for the new password twice, applies the realm's policy, ends the user's sessions and sends the password-changed SMS.");
        }
    }
}
