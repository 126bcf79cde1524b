package com.ocq.keycloak.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.ocq.keycloak.login.LoginMethods.Identifier;

class LoginMethodsTest {

    @ParameterizedTest(name = "{0} allows {1}: {2}")
    @CsvSource({
        "phone, MOBILE, true", "phone, EMAIL, false", "phone, USERNAME, false",
        "email, MOBILE, false", "email, EMAIL, true", "email, USERNAME, false",
        "all, MOBILE, true", "all, EMAIL, true", "all, USERNAME, true",
        "' Phone ', MOBILE, true", "EMAIL, EMAIL, true", "ALL, USERNAME, true"})
    void givenTheAttributeThenOnlyItsIdentifiersAreAllowed(String value, Identifier typed, boolean allowed) {
        assertThat(LoginMethods.allows(value, typed)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void givenNoValueThenEveryIdentifierIsAllowed(String value) {
        for (Identifier typed : Identifier.values()) {
            assertThat(LoginMethods.allows(value, typed)).as(typed.name()).isTrue();
        }
    }

    @Test
    void givenAnUnknownValueThenNothingIsAllowed() {
        for (Identifier typed : Identifier.values()) {
            assertThat(LoginMethods.allows("sms", typed)).as(typed.name()).isFalse();
            assertThat(LoginMethods.allows("phone,email", typed)).as(typed.name()).isFalse();
        }
    }
}
