package com.ocq.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChangePasswordTest {

    private static final int NOT_SET = -1;
    private static final int TEN_HOURS = 36_000;

    @Test
    void givenAChangeTheEmployeeChoseThenTheCurrentPasswordIsAsked() {
        assertThat(ChangePassword.asksCurrentPassword(true, false, true)).isTrue();
    }

    @Test
    void givenARequiredChangeThenTheCurrentPasswordIsNotAskedEvenWhenAnAppAlsoAskedForIt() {
        assertThat(ChangePassword.asksCurrentPassword(false, true, true)).as("temporary or expired password").isFalse();
        assertThat(ChangePassword.asksCurrentPassword(true, true, true)).as("kc_action on top of the required action").isFalse();
    }

    @Test
    void givenNoPasswordToTypeThenNoneIsAsked() {
        assertThat(ChangePassword.asksCurrentPassword(true, false, false)).isFalse();
    }

    @Test
    void givenNothingConfiguredThenTheWholeSessionNeedsNoSeparateReauthentication() {
        assertThat(ChangePassword.maxAuthAge(NOT_SET, null, TEN_HOURS, 0)).isEqualTo(TEN_HOURS);
        assertThat(ChangePassword.maxAuthAge(NOT_SET, "", TEN_HOURS, 30 * 24 * 3600)).as("remember-me sessions live longer")
                .isEqualTo(30 * 24 * 3600);
    }

    @Test
    void givenAnAgeInTheActionsConfigThenItIsUsed() {
        assertThat(ChangePassword.maxAuthAge(NOT_SET, "300", TEN_HOURS, 0)).isEqualTo(300);
        assertThat(ChangePassword.maxAuthAge(NOT_SET, "0", TEN_HOURS, 0)).as("always re-authenticate").isZero();
    }

    @Test
    void givenThePolicysMaximumAuthenticationAgeThenItWinsOverTheConfig() {
        assertThat(ChangePassword.maxAuthAge(120, "600", TEN_HOURS, 0)).isEqualTo(120);
    }

    @Test
    void givenHugeOrBrokenValuesThenTheAgeStaysWithinAYearSoKeycloaksSumCannotOverflow() {
        assertThat(ChangePassword.maxAuthAge(NOT_SET, String.valueOf(Integer.MAX_VALUE), TEN_HOURS, 0)).isEqualTo(365 * 24 * 3600);
        assertThat(ChangePassword.maxAuthAge(NOT_SET, null, Integer.MAX_VALUE, 0)).isEqualTo(365 * 24 * 3600);
        assertThat(ChangePassword.maxAuthAge(NOT_SET, "soon", TEN_HOURS, 0)).isEqualTo(TEN_HOURS);
        assertThat(ChangePassword.maxAuthAge(NOT_SET, null, 0, 0)).as("never below Keycloak's default").isEqualTo(300);
    }
}
