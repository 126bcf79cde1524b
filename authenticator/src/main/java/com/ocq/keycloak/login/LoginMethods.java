package com.ocq.keycloak.login;

import java.util.Locale;

/**
 * The user attribute {@value #ATTRIBUTE} (登录方式), set by an admin: {@code phone} (通过手机号登录)
 * allows only the mobile number, {@code email} (通过邮箱登录) only the email, {@code all} (全部) or
 * no value the mobile number, the email or the username. Any other value allows nothing: the user
 * profile refuses such values, so one can only come from a bypassed profile, and failing closed is
 * the safe answer.
 */
public final class LoginMethods {

    public static final String ATTRIBUTE = "loginMethods";

    /** How the account was typed on the sign-in form. */
    public enum Identifier {
        MOBILE, EMAIL, USERNAME
    }

    private LoginMethods() {
    }

    /** Whether a user whose {@value #ATTRIBUTE} is {@code value} may sign in with an identifier of kind {@code typed}. */
    public static boolean allows(String value, Identifier typed) {
        String methods = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (methods) {
            case "", "all" -> true;
            case "phone" -> typed == Identifier.MOBILE;
            case "email" -> typed == Identifier.EMAIL;
            default -> false;
        };
    }
}
