package com.ocq.keycloak.password;

import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.requiredactions.UpdatePassword;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.sessions.AuthenticationSessionModel;

import com.ocq.keycloak.PasswordResets;

/**
 * 修改密码: Keycloak's UPDATE_PASSWORD required action, OCQ's way.
 *
 * <p>Started by an application ({@code kc_action=UPDATE_PASSWORD}: the OCQ app's 修改密码 link, the
 * account console's password update) it asks for the current password (原密码) first. A wrong one is
 * a failed login for Keycloak's brute-force detection, and a locked account cannot complete it. Run
 * as a required action (temporary password, expired password, an admin's request, Keycloak's own
 * reset flow) it asks only for the new password, as Keycloak does. Either way the new password
 * follows the realm's policy, the employee may sign out other devices, and the password-changed
 * SMS goes out.
 */
final class ChangePassword implements RequiredActionProvider {

    static final String TEMPLATE = "login-update-password.ftl";
    static final String FIELD_CURRENT = "password";
    static final String FIELD_NEW = "password-new";
    static final String FIELD_CONFIRM = "password-confirm";
    /** Keycloak's checkbox (password-commons.ftl): "on" signs out the user's other sessions. */
    static final String FIELD_LOGOUT_OTHERS = "logout-sessions";
    /** Template attribute: true when the form shows 原密码. */
    static final String ASK_CURRENT = "ocqAskCurrentPassword";
    static final String DETAIL_CURRENT_PASSWORD = "ocq_current_password";
    private static final Set<String> PASSWORD = Set.of(PasswordCredentialModel.TYPE);
    /** Longest re-authentication window this action asks for, so Keycloak's auth time + age never overflows. */
    private static final int MAX_AUTH_AGE_CAP = 365 * 24 * 3600;

    /** Keycloak's action, kept for its trigger (an expired password adds the required action). */
    private final UpdatePassword keycloaks = new UpdatePassword();

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        keycloaks.evaluateTriggers(context);
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (staleLogin(context)) {
            return;
        }
        context.challenge(page(context, asksCurrentPassword(context), null));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (staleLogin(context)) {
            return;
        }
        boolean askCurrent = asksCurrentPassword(context);
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        UserModel user = context.getUser();
        RealmModel realm = context.getRealm();
        KeycloakSession session = context.getSession();

        EventBuilder event = context.getEvent().event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, PasswordCredentialModel.TYPE);
        if (askCurrent) {
            Optional<FormMessage> refused = checkCurrentPassword(context, form.getFirst(FIELD_CURRENT));
            if (refused.isPresent()) {
                context.challenge(page(context, true, refused.get()));
                return;
            }
        }
        event.detail(DETAIL_CURRENT_PASSWORD, askCurrent ? "verified" : "not_asked");

        String password = form.getFirst(FIELD_NEW);
        Optional<NewPasswords.Rejection> rejection = NewPasswords.check(password, form.getFirst(FIELD_CONFIRM))
                .or(() -> NewPasswords.store(user, password));
        if (rejection.isPresent()) {
            error(context, Errors.PASSWORD_REJECTED, rejection.get().message());
            context.challenge(page(context, askCurrent, rejection.get().on(FIELD_NEW, FIELD_CONFIRM)));
            return;
        }

        if ("on".equals(form.getFirst(FIELD_LOGOUT_OTHERS))) {
            AuthenticatorUtil.logoutOtherSessions(context);
        }
        PasswordChangedSms.send(session, user);
        event.clone().event(EventType.UPDATE_PASSWORD).success();
        // Keycloak records the UPDATE_CREDENTIAL event itself when the action succeeds.
        context.success();
    }

    /**
     * A login whose password was reset (忘记密码 or an admin) after it verified the old one may not
     * write a password of its own over the reset one: Keycloak hands this form's post straight to
     * the action, before its other required actions run, so the check is here too (rule 13).
     */
    private static boolean staleLogin(RequiredActionContext context) {
        if (!PasswordResets.isStale(context.getSession(), context.getAuthenticationSession(), context.getUser())) {
            return false;
        }
        PasswordResets.refuse(context);
        return true;
    }

    /**
     * Checks 原密码 with Keycloak's credential validation; a wrong one counts as a failed login. A
     * locked account is refused before anything is checked or counted.
     */
    private Optional<FormMessage> checkCurrentPassword(RequiredActionContext context, String current) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        BruteForceProtector protector = realm.isBruteForceProtected() ? session.getProvider(BruteForceProtector.class) : null;
        if (protector != null && (protector.isTemporarilyDisabled(session, realm, user) || protector.isPermanentlyLockedOut(session, realm, user))) {
            error(context, Errors.USER_TEMPORARILY_DISABLED, null);
            return Optional.of(new FormMessage(FIELD_CURRENT, "ocqCurrentPasswordLocked"));
        }
        if (current == null || current.isEmpty()) {
            error(context, Errors.PASSWORD_MISSING, null);
            return Optional.of(new FormMessage(FIELD_CURRENT, "ocqCurrentPasswordMissing"));
        }
        boolean valid = current.length() <= NewPasswords.MAX_INPUT
                && user.credentialManager().isValid(UserCredentialModel.password(current));
        if (!valid) {
            if (protector != null) {
                protector.failedLogin(realm, user, context.getConnection(), context.getUriInfo(), PASSWORD);
            }
            error(context, Errors.INVALID_USER_CREDENTIALS, null);
            return Optional.of(new FormMessage(FIELD_CURRENT, "ocqCurrentPasswordInvalid"));
        }
        if (protector != null) {
            protector.successfulLogin(realm, user, context.getConnection(), context.getUriInfo(), PASSWORD);
        }
        return Optional.empty();
    }

    /** UPDATE_CREDENTIAL_ERROR and Keycloak's deprecated UPDATE_PASSWORD_ERROR, as Keycloak's own action records them. */
    private static void error(RequiredActionContext context, String error, String reason) {
        EventBuilder event = context.getEvent().clone().event(EventType.UPDATE_CREDENTIAL_ERROR)
                .client(context.getAuthenticationSession().getClient()).user(context.getUser());
        if (reason != null) {
            event.detail(Details.REASON, reason);
        }
        event.clone().event(EventType.UPDATE_PASSWORD_ERROR).error(error);
        event.error(error);
    }

    private static Response page(RequiredActionContext context, boolean askCurrent, FormMessage error) {
        LoginFormsProvider form = context.form().setAttribute(ASK_CURRENT, askCurrent);
        if (error != null) {
            form.addError(error);
        }
        // As a required action, Keycloak's page and its "you need to change your password" notice;
        // chosen by the employee, no notice.
        return askCurrent || isAppInitiated(context.getAuthenticationSession())
                ? form.createForm(TEMPLATE)
                : form.createResponse(UserModel.RequiredAction.UPDATE_PASSWORD);
    }

    /** Started through kc_action and not also required of the user (Keycloak then "enforces" it). */
    private static boolean isAppInitiated(AuthenticationSessionModel authSession) {
        return ChangePasswordFactory.PROVIDER_ID.equals(authSession.getClientNote(Constants.KC_ACTION_EXECUTING))
                && !Boolean.TRUE.toString().equals(authSession.getClientNote(Constants.KC_ACTION_ENFORCED));
    }

    /**
     * 原密码 is asked when the employee chose to change the password, the change is not required of
     * them, and they have a password to type.
     */
    static boolean asksCurrentPassword(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel user = context.getUser();
        boolean required = user.getRequiredActionsStream().anyMatch(ChangePasswordFactory.PROVIDER_ID::equals)
                || authSession.getRequiredActions().contains(ChangePasswordFactory.PROVIDER_ID);
        return asksCurrentPassword(isAppInitiated(authSession), required, user.credentialManager().isConfiguredFor(PasswordCredentialModel.TYPE));
    }

    static boolean asksCurrentPassword(boolean appInitiated, boolean required, boolean hasPassword) {
        return appInitiated && !required && hasPassword;
    }

    /**
     * How long after signing in the application-initiated change may start without Keycloak's own
     * re-authentication first. Keycloak's stock action asks for re-authentication after 5 minutes
     * and then asks for no current password; this one asks for 原密码 itself, which is that
     * re-authentication, so by default it adds none (the session's lifetime). A value set by the
     * realm (password policy "Maximum Authentication Age", then this action's config) still wins.
     */
    @Override
    public int getMaxAuthAge(KeycloakSession session) {
        RealmModel realm = session == null ? null : session.getContext().getRealm();
        if (realm == null) {
            return Constants.KC_ACTION_MAX_AGE;
        }
        String configured = realm.getRequiredActionProvidersStream()
                .filter(model -> ChangePasswordFactory.PROVIDER_ID.equals(model.getProviderId())).findFirst()
                .map(model -> realm.getRequiredActionConfigByAlias(model.getAlias()))
                .map(config -> config.getConfigValue(Constants.MAX_AUTH_AGE_KEY)).orElse(null);
        return maxAuthAge(realm.getPasswordPolicy().getMaxAuthAge(), configured, realm.getSsoSessionMaxLifespan(),
                realm.getSsoSessionMaxLifespanRememberMe());
    }

    static int maxAuthAge(int policy, String configured, int sessionMax, int rememberMeMax) {
        if (policy >= 0) {
            return policy;
        }
        if (configured != null && !configured.isBlank()) {
            try {
                int value = Integer.parseInt(configured.strip());
                if (value >= 0) {
                    return Math.min(value, MAX_AUTH_AGE_CAP);
                }
            } catch (NumberFormatException ignored) {
                // refused by the factory's validateConfig; fall through to the default
            }
        }
        return Math.min(Math.max(Constants.KC_ACTION_MAX_AGE, Math.max(sessionMax, rememberMeMax)), MAX_AUTH_AGE_CAP);
    }

    @Override
    public void close() {
    }
}
