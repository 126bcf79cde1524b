package com.ocq.keycloak;

import java.util.Map;
import java.util.OptionalLong;

import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventType;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.SessionExpiration;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * SECURITY.md rule 13, "logins in progress for that user fail": a password reset (SMS 忘记密码, an
 * admin's 重置帐号) is recorded in Keycloak's cluster-wide single-use store, and a login that
 * verified the password before that moment cannot complete.
 *
 * <p>The OCQ sign-in form stamps {@value #PASSWORD_VERIFIED_AT} when it accepts a password; the
 * required action {@code ocq-stale-login} asks {@link #isStale}. A required action that changes the
 * password on the strength of the login (UPDATE_PASSWORD) must ask too, before it writes: Keycloak
 * evaluates required actions only between steps, so a form already on screen is posted to its
 * action without {@code ocq-stale-login} running first. A password change made by the login itself
 * (a temporary password changed on the UPDATE_PASSWORD step) is not a reset and must not call
 * {@link #record}.
 */
public final class PasswordResets {

    /** Auth note: when this login accepted the user's password (epoch millis, Keycloak's clock). */
    public static final String PASSWORD_VERIFIED_AT = "ocq.login.passwordVerifiedAt";

    /** Message key of the page a stale login ends on (密码已被重置，请重新登录。). */
    public static final String STALE_LOGIN_MESSAGE = "ocqPasswordResetDuringLogin";
    /** The error of the LOGIN_ERROR event such a login ends with. */
    public static final String STALE_LOGIN_ERROR = "password_reset_during_login";

    private static final String KEY_PREFIX = "ocq.passwordReset.";
    private static final String AT = "at";

    private PasswordResets() {
    }

    /**
     * Records that {@code user}'s password is being reset, in the transaction that changes it. The
     * time is written at once and again after that transaction committed: until the commit, other
     * logins still accept the old password, and they must still count as older than the reset. The
     * entry outlives every login that could have started before it: twice the lifespan of an
     * authentication session (the longest of the realm's login, user-action and code lifespans).
     */
    public static void record(KeycloakSession session, RealmModel realm, UserModel user) {
        String key = key(realm, user);
        long lifespan = 2L * SessionExpiration.getAuthSessionLifespan(realm);
        put(session, key, lifespan);
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                KeycloakModelUtils.runJobInTransaction(factory, committed -> put(committed, key, lifespan));
            }

            @Override
            protected void rollbackImpl() {
                // the early record stays: a reset that did not happen only ends logins in progress
            }
        });
    }

    private static void put(KeycloakSession session, String key, long lifespanSeconds) {
        session.singleUseObjects().put(key, lifespanSeconds, Map.of(AT, String.valueOf(Time.currentTimeMillis())));
    }

    /** When {@code user}'s password was last reset (epoch millis), if that is recent enough to matter. */
    public static OptionalLong lastReset(KeycloakSession session, RealmModel realm, UserModel user) {
        Map<String, String> entry = session.singleUseObjects().get(key(realm, user));
        if (entry == null || entry.get(AT) == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(entry.get(AT)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Marks that this login accepted {@code authSession}'s user's password now. */
    public static void passwordVerified(AuthenticationSessionModel authSession) {
        authSession.setAuthNote(PASSWORD_VERIFIED_AT, String.valueOf(Time.currentTimeMillis()));
    }

    /**
     * True if this login accepted the password of {@code user} no later than the last reset of it.
     * A login that never verified a password (an identity provider, a passkey) is never stale.
     */
    public static boolean isStale(KeycloakSession session, AuthenticationSessionModel authSession, UserModel user) {
        String verified = authSession.getAuthNote(PASSWORD_VERIFIED_AT);
        if (verified == null || user == null) {
            return false;
        }
        OptionalLong reset = lastReset(session, authSession.getRealm(), user);
        if (reset.isEmpty()) {
            return false;
        }
        try {
            return Long.parseLong(verified) <= reset.getAsLong();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String key(RealmModel realm, UserModel user) {
        return KEY_PREFIX + realm.getId() + "." + user.getId();
    }

    /**
     * The only answer a login that verified the password before a reset gets (密码已被重置，请重新登录。),
     * for the required actions that meet one.
     */
    public static void refuse(RequiredActionContext context) {
        context.getEvent().clone().event(EventType.LOGIN_ERROR).user(context.getUser()).error(STALE_LOGIN_ERROR);
        context.challenge(context.form().setError(STALE_LOGIN_MESSAGE).createErrorPage(Response.Status.UNAUTHORIZED));
    }
}
