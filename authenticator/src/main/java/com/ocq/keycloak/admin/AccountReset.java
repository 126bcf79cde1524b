package com.ocq.keycloak.admin;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.services.resources.admin.AdminEventBuilder;

import com.ocq.keycloak.sms.SmsDispatcher;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsResult;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * 激活/重置登录帐号: one administrator action on one employee. The account changes (temporary
 * initial password, sign-in methods, enabled, lockout lifted, sessions ended) and the admin event
 * are one transaction, committed before anything leaves the server; the SMS with the initial
 * password goes out only after that commit, so an employee never receives a password that was
 * rolled back. A failed SMS does not undo the reset: the admin still gets the password once, and
 * the response says why the SMS did not go out.
 */
final class AccountReset {

    private static final Logger LOG = Logger.getLogger(AccountReset.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Draws before giving up on policies a random password keeps missing (a regex, say). */
    private static final int MAX_DRAWS = 50;

    /** Why nothing was changed, as an HTTP status, a stable code and an explanation. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String error;

        Refused(int status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminEventBuilder adminEvent;

    AccountReset(KeycloakSession session, RealmModel realm, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.adminEvent = adminEvent;
    }

    /** Checks everything first, changes the account only when all checks pass, and returns the response body. */
    Map<String, Object> reset(UserModel user, ResetAccountRequest request) throws Refused {
        if (user.getServiceAccountClientLink() != null) {
            throw new Refused(400, "service_account", "A client's service account has no password to reset");
        }
        Optional<String> phone = PhoneNumbers.normalize(user.getFirstAttribute(EmployeeAttributes.PHONE_NUMBER),
                PhoneNumbers.DEFAULT_REGION, PhoneNumbers.ALL_REGIONS);
        if (ResetAccountRequest.PHONE.equals(request.loginMethods()) && phone.isEmpty()) {
            throw new Refused(400, "no_phone_number", "The user has no mobile number, so cannot sign in by mobile number only");
        }
        if (ResetAccountRequest.EMAIL.equals(request.loginMethods()) && (user.getEmail() == null || user.getEmail().isBlank())) {
            throw new Refused(400, "no_email", "The user has no email address, so cannot sign in by email only");
        }
        String password = drawPassword(user);

        try {
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            LOG.warnf("The initial password of user %s was not stored: %s", user.getId(), e.getClass().getSimpleName());
            throw new Refused(400, "password_not_stored", "The user's password cannot be changed here (read-only or federated account)");
        }
        user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
        user.setSingleAttribute(EmployeeAttributes.LOGIN_METHODS, request.loginMethods());
        boolean wasDisabled = !user.isEnabled();
        boolean lockoutCleared = clearLockout(user);
        user.setEnabled(true);
        int sessionsEnded = endSessions(user);

        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("loginMethods", request.loginMethods());
        audit.put("temporaryPassword", true);
        audit.put("enabled", true);
        audit.put("wasDisabled", wasDisabled);
        audit.put("lockoutCleared", lockoutCleared);
        audit.put("sessionsEnded", sessionsEnded);
        audit.put("sendSms", request.sendSms());
        if (request.sendSms()) {
            audit.put("smsTo", phone.map(PhoneNumbers::mask).orElse(null));
        }
        adminEvent.operation(OperationType.ACTION).resource(ResourceType.USER)
                .resourcePath(session.getContext().getUri()).representation(audit).success();

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", user.getId());
        body.put("username", user.getUsername());
        body.put("password", password);
        body.put("temporary", true);
        body.put("loginMethods", request.loginMethods());
        body.put("enabled", true);
        body.put("lockoutCleared", lockoutCleared);
        body.put("sessionsEnded", sessionsEnded);
        Locale locale = session.getContext().resolveLocale(user);

        session.getTransactionManager().commit();
        LOG.debugf("Account of user %s reset: loginMethods=%s, sessions ended=%d, lockout cleared=%s", body.get("userId"),
                request.loginMethods(), sessionsEnded, lockoutCleared);
        body.put("sms", request.sendSms() ? sendSms(phone, password, locale) : Map.of("requested", false));
        return body;
    }

    /** A password from {@link InitialPasswords} that the realm's whole policy accepts for this user. */
    private String drawPassword(UserModel user) throws Refused {
        InitialPasswords.Rules rules = InitialPasswords.Rules.of(realm.getPasswordPolicy()::getPolicyConfig);
        PasswordPolicyManagerProvider policies = session.getProvider(PasswordPolicyManagerProvider.class);
        try {
            for (int draw = 0; draw < MAX_DRAWS; draw++) {
                String password = InitialPasswords.generate(rules, RANDOM);
                if (policies.validate(realm, user, password) == null) {
                    return password;
                }
            }
        } catch (IllegalStateException e) {
            throw new Refused(409, "password_policy_unsatisfiable", e.getMessage());
        }
        throw new Refused(409, "password_policy_unsatisfiable",
                "No generated password met the realm's password policy in " + MAX_DRAWS + " draws; check the policy");
    }

    /** Lifts a temporary or permanent brute-force lockout; true when there was one. */
    private boolean clearLockout(UserModel user) {
        BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
        boolean locked = protector.isTemporarilyDisabled(session, realm, user) || protector.isPermanentlyLockedOut(session, realm, user);
        protector.cleanUpPermanentLockout(session, realm, user);
        if (session.loginFailures().getUserLoginFailure(realm, user.getId()) != null) {
            session.loginFailures().removeUserLoginFailure(realm, user.getId());
        }
        return locked;
    }

    /**
     * Ends every session, online (with back-channel logout to the clients) and offline, and makes
     * every token issued so far invalid, as Keycloak's own "sign out" of a user does.
     */
    private int endSessions(UserModel user) {
        session.users().setNotBeforeForUser(realm, user, Time.currentTime());
        List<UserSessionModel> online = session.sessions().getUserSessionsStream(realm, user).toList();
        for (UserSessionModel userSession : online) {
            AuthenticationManager.backchannelLogout(session, userSession, true);
        }
        List<UserSessionModel> offline = session.sessions().getOfflineUserSessionsStream(realm, user).toList();
        UserSessionManager manager = new UserSessionManager(session);
        offline.forEach(manager::revokeOfflineUserSession);
        return online.size() + offline.size();
    }

    /** After the commit: the initial password to the user's own number, waiting for the gateway's answer. */
    private Map<String, Object> sendSms(Optional<String> phone, String password, Locale locale) {
        Map<String, Object> sms = new LinkedHashMap<>();
        sms.put("requested", true);
        if (phone.isEmpty()) {
            sms.put("sent", false);
            sms.put("reason", "no_phone_number");
            return sms;
        }
        String masked = PhoneNumbers.mask(phone.get());
        sms.put("phoneNumber", masked);
        try {
            SmsResult result = SmsDispatcher.of(session).sendAndWait(
                    new SmsMessage(phone.get(), SmsPurpose.INITIAL_PASSWORD, locale, Map.of("password", password)), List.of());
            sms.put("sent", true);
            sms.put("sender", result.sender());
        } catch (SmsException e) {
            LOG.warnf("The initial-password SMS to %s was not sent (sender %s, vendor code %s, permanent %s)", masked,
                    e.getSender(), e.getVendorCode(), e.isPermanent());
            sms.put("sent", false);
            sms.put("reason", "send_failed");
            sms.put("sender", e.getSender());
            sms.put("permanent", e.isPermanent());
        } catch (RuntimeException e) {
            LOG.warnf("The initial-password SMS to %s was not sent: %s", masked, e.getClass().getSimpleName());
            sms.put("sent", false);
            sms.put("reason", "send_failed");
        }
        return sms;
    }
}
