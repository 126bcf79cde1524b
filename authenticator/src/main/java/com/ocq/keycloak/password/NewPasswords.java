package com.ocq.keycloak.password;

import java.util.Optional;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.services.messages.Messages;

/**
 * A new password typed twice, checked against the realm's policy (Keycloak's
 * {@link PasswordPolicyManagerProvider}) and stored: what every OCQ screen that sets a password
 * shares. Errors are Keycloak's own message keys and parameters, so they read like Keycloak's.
 */
public final class NewPasswords {

    /** Longer input is refused before it is hashed; the realm policy accepts at most 64 characters. */
    public static final int MAX_INPUT = 256;

    private NewPasswords() {
    }

    /** Why a password was refused: a message key with its parameters; {@code confirmation} when the second entry differs. */
    public record Rejection(String message, Object[] parameters, boolean confirmation) {

        /** The message for the form, on the confirmation field when the entries differ, otherwise on the new-password field. */
        public FormMessage on(String newField, String confirmField) {
            return new FormMessage(confirmation ? confirmField : newField, message, parameters);
        }
    }

    /** The first reason the realm refuses {@code password} (typed again as {@code confirm}) for {@code user}, if any. */
    public static Optional<Rejection> check(KeycloakSession session, RealmModel realm, UserModel user, String password, String confirm) {
        if (password == null || password.isEmpty()) {
            return Optional.of(new Rejection(Messages.MISSING_PASSWORD, new Object[] {}, false));
        }
        if (password.length() > MAX_INPUT) {
            return Optional.of(new Rejection("invalidPasswordMaxLengthMessage", new Object[] {64}, false));
        }
        if (!password.equals(confirm)) {
            return Optional.of(new Rejection(Messages.NOTMATCH_PASSWORD, new Object[] {}, true));
        }
        PolicyError policy = session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password);
        if (policy != null) {
            return Optional.of(new Rejection(policy.getMessage(), policy.getParameters(), false));
        }
        return Optional.empty();
    }

    /** Stores {@code password} as the user's (not temporary); the credential provider may still refuse it. */
    public static Optional<Rejection> store(UserModel user, String password) {
        try {
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
            return Optional.empty();
        } catch (ModelException e) {
            return Optional.of(new Rejection(e.getMessage() == null ? "invalidPasswordGenericMessage" : e.getMessage(),
                    e.getParameters() == null ? new Object[] {} : e.getParameters(), false));
        }
    }
}
