package com.ocq.keycloak.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.keycloak.authentication.RequiredActionFactory;

class StaleLoginActionFactoryTest {

    @Test
    void givenTheStaleLoginActionThenItsIdAndTextAreTheRealmsAndItHasNoSettings() {
        RequiredActionFactory factory = new StaleLoginActionFactory();
        assertThat(factory.getId()).isEqualTo("ocq-stale-login");
        assertThat(factory.getDisplayText()).isEqualTo("OCQ: end sign-ins that began before a password reset (automatic, do not assign)");
        // Keycloak's default would offer the maximum-authentication-age setting
        assertThat(factory.getConfigMetadata()).isEmpty();
        assertThat(factory.isConfigurable()).isFalse();
        assertThat(factory.create(null)).isInstanceOf(StaleLoginAction.class).isSameAs(factory.create(null));
    }
}
