package com.ocq.keycloak.reset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;

/** The reset steps as the realm export and the admin console see them: ids, texts, choices, one shared authenticator. */
class ResetAuthenticatorFactoriesTest {

    @Test
    void givenTheStepsWithoutSettingsThenTheirIdsAndTextsAreTheOnesTheRealmExportBindsAndTheConsoleShows() {
        AuthenticatorFactory chooseUser = new ResetAuthenticatorFactories.ChooseUser();
        assertNamed(chooseUser, "ocq-reset-choose-user", "OCQ: choose account (mobile number, username or email)",
                "Finds the account by mobile number, username or email without revealing whether it exists.");
        assertThat(chooseUser.create(null)).isInstanceOf(ChooseUserAuthenticator.class);
        AuthenticatorFactory newPassword = new ResetAuthenticatorFactories.NewPassword();
        assertNamed(newPassword, "ocq-reset-new-password", "OCQ: set the new password",
                "Asks for the new password twice, applies the realm's policy, ends the user's sessions and sends the password-changed SMS.");
        assertThat(newPassword.create(null)).isInstanceOf(NewPasswordAuthenticator.class);
        for (AuthenticatorFactory factory : new AuthenticatorFactory[] {chooseUser, newPassword}) {
            assertThat(factory.isConfigurable()).as(factory.getId()).isFalse();
            assertThat(factory.getConfigProperties()).as(factory.getId()).isEmpty();
            assertRequiredOnly(factory);
        }
    }

    @Test
    void givenTheSmsCodeStepThenItIsTheOnlyConfigurableOneWithTheSmsCodeSettings() {
        AuthenticatorFactory factory = new ResetAuthenticatorFactories.SmsCode();
        assertNamed(factory, "ocq-reset-sms-code", "OCQ: SMS verification code",
                "Sends a 6-digit code by SMS to the account's mobile number and checks it. Limits and senders are set here.");
        assertThat(factory.create(null)).isInstanceOf(SmsCodeAuthenticator.class);
        assertThat(factory.isConfigurable()).isTrue();
        assertThat(factory.getConfigProperties()).isSameAs(SmsCodeConfig.PROPERTIES);
        assertRequiredOnly(factory);
    }

    @Test
    void givenOneFactoryThenEverySessionGetsTheSameStatelessAuthenticator() {
        AuthenticatorFactory factory = new ResetAuthenticatorFactories.SmsCode();
        assertThat(factory.create(null)).isSameAs(factory.create(null));
    }

    private static void assertNamed(AuthenticatorFactory factory, String id, String displayType, String helpText) {
        assertThat(factory.getId()).isEqualTo(id);
        assertThat(factory.getDisplayType()).isEqualTo(displayType);
        assertThat(factory.getHelpText()).isEqualTo(helpText);
    }

    private static void assertRequiredOnly(AuthenticatorFactory factory) {
        assertThat(factory.getRequirementChoices()).containsExactly(AuthenticationExecutionModel.Requirement.REQUIRED);
        assertThat(factory.isUserSetupAllowed()).isFalse();
        assertThat(factory.getReferenceCategory()).isNull();
    }
}
