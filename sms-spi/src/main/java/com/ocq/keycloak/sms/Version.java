package com.ocq.keycloak.sms;

/** The version of the OCQ extension jar, for the admin console's provider info. */
public final class Version {

    private Version() {
    }

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
