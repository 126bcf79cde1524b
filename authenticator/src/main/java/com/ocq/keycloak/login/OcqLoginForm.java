package com.ocq.keycloak.login;

import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.validation.Validation;
import org.keycloak.sessions.AuthenticationSessionModel;

import com.ocq.keycloak.PasswordResets;
import com.ocq.keycloak.login.Accounts.Match;
import com.ocq.keycloak.login.LoginMethods.Identifier;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * The OCQ sign-in form: Keycloak's username-and-password form whose account field also takes a
 * mobile number, honouring the user's {@code loginMethods}.
 *
 * <p>An identifier the admin did not allow fails exactly like a wrong password: the same page, the
 * same event error, one failure for Keycloak's brute-force protection. Keycloak counts a failure
 * against the user it finds by the {@code ATTEMPTED_USERNAME} note (username or email); a number is
 * never put there (it would reach events and the 忘记密码 page), so failures of an account typed
 * as a number are handed to the {@code BruteForceProtector} here, once each.
 */
final class OcqLoginForm extends UsernamePasswordForm {

    static final String DETAIL_REASON = "ocq_reason";
    private static final int MAX_ACCOUNT_LENGTH = 255;

    OcqLoginForm(KeycloakSession session) {
        super(session);
    }

    @Override
    protected boolean validateForm(AuthenticationFlowContext context, MultivaluedMap<String, String> form) {
        if (isUserAlreadySetBeforeUsernamePasswordAuth(context)) {
            // Re-authentication of a user an earlier step identified: only the password is asked.
            boolean valid = validateUserAndPassword(context, form);
            if (valid) {
                PasswordResets.passwordVerified(context.getAuthenticationSession());
            }
            return valid;
        }
        context.clearUser();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String typed = form.getFirst(AuthenticationManager.FORM_USERNAME);
        typed = typed == null ? "" : typed.strip();
        boolean sane = !typed.isEmpty() && typed.length() <= MAX_ACCOUNT_LENGTH && typed.chars().noneMatch(Character::isISOControl);
        Optional<String> phone = sane ? Accounts.asPhoneNumber(typed) : Optional.empty();
        Optional<Match> match = sane ? Accounts.find(context.getSession(), context.getRealm(), typed, phone) : Optional.empty();

        context.getEvent().detail(Details.USERNAME, phone.map(PhoneNumbers::mask).orElse(typed));
        boolean byNumber = match.map(m -> m.typedAs() == Identifier.MOBILE).orElse(phone.isPresent());
        if (byNumber || typed.isEmpty()) {
            authSession.removeAuthNote(ATTEMPTED_USERNAME);
        } else {
            authSession.setAuthNote(ATTEMPTED_USERNAME, typed);
        }
        if (match.isEmpty()) {
            testInvalidUser(context, null);
            return false;
        }

        UserModel user = match.get().user();
        String password = form.getFirst(CredentialRepresentation.PASSWORD);
        if (password == null || password.isEmpty()) {
            reject(context, user, false, false);
            return false;
        }
        if (isDisabledByBruteForce(context, user)) {
            return false;
        }
        if (!LoginMethods.allows(user.getFirstAttribute(LoginMethods.ATTRIBUTE), match.get().typedAs())) {
            AuthenticatorUtils.dummyHash(context);
            context.getEvent().detail(DETAIL_REASON, "login_method_not_allowed");
            reject(context, user, true, byNumber);
            return false;
        }
        if (!user.credentialManager().isValid(UserCredentialModel.password(password))) {
            reject(context, user, true, byNumber);
            return false;
        }
        authSession.setAuthNote(AuthenticationManager.PASSWORD_VALIDATED, "true");
        PasswordResets.passwordVerified(authSession);
        if (!enabledUser(context, user)) {
            return false;
        }
        if (byNumber) {
            // From here on the login is the user's: sessions and events name it by its username.
            authSession.setAuthNote(ATTEMPTED_USERNAME, user.getUsername());
        }
        AuthenticatorUtils.processRememberMe(context, form);
        context.setUser(user);
        return true;
    }

    /**
     * Keycloak's answer to a wrong password, for a wrong password and for an identifier the user
     * may not sign in with alike. An empty password is shown the page again without counting.
     */
    private void reject(AuthenticationFlowContext context, UserModel user, boolean counted, boolean countHere) {
        context.getEvent().user(user);
        context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
        Response page = challenge(context, getDefaultChallengeMessage(context), Validation.FIELD_PASSWORD);
        if (!counted) {
            context.forceChallenge(page);
        } else {
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, page);
            RealmModel realm = context.getRealm();
            if (countHere && realm.isBruteForceProtected()) {
                context.getProtector().failedLogin(realm, user, context.getConnection(), context.getUriInfo(),
                        Set.of(PasswordCredentialModel.TYPE));
            }
        }
        context.clearUser();
    }
}
