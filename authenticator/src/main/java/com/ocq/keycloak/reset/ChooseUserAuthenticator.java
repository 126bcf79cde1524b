package com.ocq.keycloak.reset;

import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.validation.Validation;

import com.ocq.keycloak.login.Accounts;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * Step 1 of 忘记密码: the account, typed as a mobile number (any form of rule 7), a username or an
 * email. Like Keycloak's own choose-user step it never says whether the account exists: an unknown
 * or disabled account goes on exactly like a real one. The account found is noted for the code
 * step, which makes it the flow's user once its code is accepted.
 */
final class ChooseUserAuthenticator extends ResetStep {

    static final String PHONE_ATTRIBUTE = Accounts.PHONE_ATTRIBUTE;
    private static final int MAX_ACCOUNT_LENGTH = 255;

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        ResetNotes.clear(context.getAuthenticationSession());
        context.challenge(context.form().createPasswordReset());
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String account = form.getFirst(Validation.FIELD_USERNAME);
        if (account == null || account.isBlank()) {
            context.getEvent().error(Errors.USERNAME_MISSING);
            // challenge, not failureChallenge: Keycloak would count that as a failed sign-in (rule 12).
            context.challenge(context.form().addError(new FormMessage(Validation.FIELD_USERNAME, Messages.MISSING_USERNAME))
                    .createPasswordReset());
            return;
        }
        account = account.strip();
        ResetNotes.clear(context.getAuthenticationSession());
        boolean sane = account.length() <= MAX_ACCOUNT_LENGTH && account.chars().noneMatch(Character::isISOControl);
        String shown = sane ? account : account.substring(0, Math.min(account.length(), 64)).replaceAll("\\p{Cntrl}", "");
        Optional<String> phone = sane ? Accounts.asPhoneNumber(account) : Optional.empty();
        // Keycloak copies this note into the username of the tab's later events: a number goes in masked (rule 20).
        context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME,
                phone.map(PhoneNumbers::mask).orElse(shown));
        // Pages show "the account you typed" whether or not it exists; without this Keycloak's
        // template shows the account only when a user was found, which tells them apart.
        context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.USERNAME_HIDDEN, "true");

        phone.ifPresent(p -> context.getAuthenticationSession().setAuthNote(ResetNotes.TYPED_PHONE, p));
        UserModel user = sane ? find(context.getSession(), context.getRealm(), account, phone) : null;

        if (user == null) {
            context.getEvent().clone().detail(Details.USERNAME, phone.map(PhoneNumbers::mask).orElse(shown))
                    .error(Errors.USER_NOT_FOUND);
            context.clearUser();
        } else if (!user.isEnabled()) {
            context.getEvent().clone().detail(Details.USERNAME, user.getUsername()).user(user).error(Errors.USER_DISABLED);
            context.clearUser();
        } else {
            // Kept aside until the code is accepted (ResetNotes.CHOSEN_USER).
            context.clearUser();
            context.getAuthenticationSession().setAuthNote(ResetNotes.CHOSEN_USER, user.getId());
        }
        context.success();
    }

    /** The account as the sign-in form finds it ({@link Accounts#find}). */
    static UserModel find(KeycloakSession session, RealmModel realm, String account, Optional<String> phone) {
        return Accounts.find(session, realm, account, phone).map(Accounts.Match::user).orElse(null);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }
}
