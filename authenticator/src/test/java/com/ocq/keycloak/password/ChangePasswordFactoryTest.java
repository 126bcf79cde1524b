package com.ocq.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.models.Constants;
import org.keycloak.provider.ProviderConfigProperty;

class ChangePasswordFactoryTest {

    @Test
    void givenTheChangePasswordActionThenItTakesKeycloaksUpdatePasswordIdWithAHigherOrder() {
        RequiredActionFactory factory = new ChangePasswordFactory();
        assertThat(factory.getId()).isEqualTo("UPDATE_PASSWORD");
        assertThat(factory.order()).isEqualTo(100);
        assertThat(factory.getDisplayText()).isEqualTo("Update Password");
        assertThat(factory.getConfigMetadata()).extracting(ProviderConfigProperty::getName).containsExactly(Constants.MAX_AUTH_AGE_KEY);
        assertThat(factory.create(null)).isInstanceOf(ChangePassword.class).isSameAs(factory.create(null));
    }
}
