package com.ocq.keycloak.sms;

/**
 * Why a message is sent. Chinese gateways send only pre-approved templates, so each purpose maps
 * to its own template at every vendor.
 */
public enum SmsPurpose {
    /** A one-time verification code; parameter {@code code}. */
    VERIFICATION_CODE("code"),
    /** A notice that the account's password was changed; no parameter. */
    PASSWORD_CHANGED(),
    /** An initial password chosen by an administrator; parameter {@code password}. */
    INITIAL_PASSWORD("password");

    private final java.util.List<String> parameters;

    SmsPurpose(String... parameters) {
        this.parameters = java.util.List.of(parameters);
    }

    /** The template parameters this purpose takes, in template order. */
    public java.util.List<String> parameters() {
        return parameters;
    }
}
