package com.ocq.keycloak.password;

import java.util.Optional;

import org.keycloak.models.ModelException;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.messages.Messages;

/**
 * A new password typed twice, checked against the realm's policy (by Keycloak's password
 * provider, once, as it stores it) and stored: what every OCQ screen that sets a password
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

    /**
     * The form's own reasons to refuse {@code password} (typed again as {@code confirm}): missing,
     * absurdly long, or the two entries differ. The realm's policy is {@link #store}'s: Keycloak's
     * password provider checks it when storing, and checking it here as well would hash the
     * password against the history (passwordHistory) twice.
     */
    public static Optional<Rejection> check(String password, String confirm) {
        if (password == null || password.isEmpty()) {
            return Optional.of(new Rejection(Messages.MISSING_PASSWORD, new Object[] {}, false));
        }
        if (password.length() > MAX_INPUT) {
            return Optional.of(new Rejection("invalidPasswordMaxLengthMessage", new Object[] {64}, false));
        }
        if (!password.equals(confirm)) {
            return Optional.of(new Rejection(Messages.NOTMATCH_PASSWORD, new Object[] {}, true));
        }
        return Optional.empty();
    }

    /**
     * Stores {@code password} as the user's (not temporary), or says why the realm's policy refuses
     * it: Keycloak's password provider validates the policy before it writes anything, and its
     * reasons are Keycloak's own message keys and parameters.
     */
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
