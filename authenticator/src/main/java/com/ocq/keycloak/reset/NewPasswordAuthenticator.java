package com.ocq.keycloak.reset;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.MultivaluedMap;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.models.utils.SessionExpiration;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.BruteForceProtector;

import com.ocq.keycloak.PasswordResets;
import com.ocq.keycloak.password.NewPasswords;
import com.ocq.keycloak.password.PasswordChangedSms;

/**
 * Step 3 of 忘记密码 (重置密码): the new password twice, under the realm's policy. Only a tab that
 * verified a code for this very user gets here. On success every session of the user ends, a
 * temporary lockout is lifted, a "password changed" SMS goes out, and the employee signs in again
 * with the new password (rule 13: no silent sign-in).
 */
final class NewPasswordAuthenticator extends ResetStep {

    static final String TEMPLATE = "ocq-new-password.ftl";
    static final String FIELD_NEW = "password-new";
    static final String FIELD_CONFIRM = "password-confirm";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (!verified(context)) {
            context.getEvent().clone().event(EventType.RESET_PASSWORD_ERROR).detail(SmsCodeAuthenticator.DETAIL_REASON, "step_skipped")
                    .error(Errors.INVALID_REQUEST);
            context.resetFlow();
            return;
        }
        context.challenge(context.form().createForm(TEMPLATE));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        if (!verified(context)) {
            context.resetFlow();
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String password = form.getFirst(FIELD_NEW);
        String confirm = form.getFirst(FIELD_CONFIRM);
        UserModel user = context.getUser();
        RealmModel realm = context.getRealm();
        KeycloakSession session = context.getSession();

        Optional<NewPasswords.Rejection> rejection = NewPasswords.check(password, confirm);
        if (rejection.isEmpty()) {
            // One verified code, one new password: of concurrent submissions of this form (a double
            // click, copies on several cluster nodes) exactly one takes the tab's right to set it.
            AtomicStore store = SmsCodeAuthenticator.store(session);
            String passKey = ResetNotes.passKey(context.getAuthenticationSession());
            Map<String, String> pass = store.remove(passKey);
            if (pass == null || !user.getId().equals(pass.get(SmsCodes.USER))) {
                context.getEvent().clone().event(EventType.RESET_PASSWORD_ERROR).user(user)
                        .detail(SmsCodeAuthenticator.DETAIL_REASON, "verification_already_used").error(Errors.INVALID_REQUEST);
                context.resetFlow();
                return;
            }
            rejection = NewPasswords.store(user, password);
            if (rejection.isPresent()) {
                store.put(passKey, SessionExpiration.getAuthSessionLifespan(realm), pass);
            }
        }
        if (rejection.isPresent()) {
            context.getEvent().clone().event(EventType.RESET_PASSWORD_ERROR).user(user)
                    .detail(SmsCodeAuthenticator.DETAIL_REASON, "password_rejected").error(Errors.PASSWORD_REJECTED);
            // challenge, not failureChallenge: Keycloak would count a refused new password as a failed sign-in (rule 12).
            context.challenge(context.form().addError(rejection.get().on(FIELD_NEW, FIELD_NEW)).createForm(TEMPLATE));
            return;
        }

        user.removeRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
        PasswordResets.record(session, realm, user);
        int ended = endSessions(session, realm, user);
        BruteForceProtector protector = session.getProvider(BruteForceProtector.class);
        if (protector != null && realm.isBruteForceProtected()) {
            protector.cleanUpPermanentLockout(session, realm, user);
            protector.successfulLogin(realm, user, context.getConnection(), context.getUriInfo(), Set.of(PasswordCredentialModel.TYPE));
        }
        context.getAuthenticationSession().removeAuthNote(ResetNotes.VERIFIED_USER);
        PasswordChangedSms.send(session, user);
        context.getEvent().clone().event(EventType.UPDATE_PASSWORD).user(user).detail(Details.CREDENTIAL_TYPE, PasswordCredentialModel.TYPE)
                .detail("ocq_sessions_ended", String.valueOf(ended)).success();
        context.getEvent().clone().event(EventType.RESET_PASSWORD).user(user).detail(Details.USERNAME, user.getUsername()).success();
        context.forkWithSuccessMessage(new FormMessage("ocqPasswordResetDone"));
    }

    private static boolean verified(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        return user != null && user.isEnabled()
                && user.getId().equals(context.getAuthenticationSession().getAuthNote(ResetNotes.VERIFIED_USER));
    }

    /** Ends every session of the user, with back-channel logout of their clients. */
    private static int endSessions(KeycloakSession session, RealmModel realm, UserModel user) {
        var sessions = session.sessions().getUserSessionsStream(realm, user).toList();
        for (UserSessionModel userSession : sessions) {
            AuthenticationManager.backchannelLogout(session, userSession, true);
        }
        return sessions.size();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }
}
