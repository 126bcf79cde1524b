package com.ocq.keycloak.admin;

/** The OCQ user-profile attributes the admin API reads and writes (realm-export/src/main/realm/user-profile.json). */
final class EmployeeAttributes {

    static final String PHONE_NUMBER = "phoneNumber";
    static final String LOGIN_METHODS = "loginMethods";
    static final String LAST_LOGIN_TIME = "lastLoginTime";
    static final String JOB_TITLE = "jobTitle";

    private EmployeeAttributes() {
    }
}
