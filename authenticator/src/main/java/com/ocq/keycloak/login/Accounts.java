package com.ocq.keycloak.login;

import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import com.ocq.keycloak.login.LoginMethods.Identifier;
import com.ocq.keycloak.sms.phone.PhoneNumbers;

/**
 * Finds the account an employee typed: a mobile number (any form of SECURITY.md rule 7), an email
 * or a username. The sign-in form and the 忘记密码 flow use this one lookup.
 */
public final class Accounts {

    private static final Logger LOG = Logger.getLogger(Accounts.class);

    /** The user attribute holding the mobile number, always stored in E.164. */
    public static final String PHONE_ATTRIBUTE = "phoneNumber";

    /** A user and how the typed account matched it. */
    public record Match(UserModel user, Identifier typedAs) {
    }

    private Accounts() {
    }

    /** The E.164 form of {@code typed} if it reads as a mobile number of any region (CN assumed without a country code). */
    public static Optional<String> asPhoneNumber(String typed) {
        return PhoneNumbers.normalize(typed, PhoneNumbers.DEFAULT_REGION, PhoneNumbers.ALL_REGIONS);
    }

    /**
     * By mobile number first (an exact query on the stored E.164 value; a number two users hold
     * matches nobody), then as Keycloak's own sign-in looks an account up: by email when it holds an
     * {@code @} and the realm allows email sign-in, then by username.
     */
    public static Optional<Match> find(KeycloakSession session, RealmModel realm, String typed, Optional<String> phone) {
        if (phone.isPresent()) {
            List<UserModel> owners = session.users().searchForUserByUserAttributeStream(realm, PHONE_ATTRIBUTE, phone.get())
                    .limit(2).toList();
            if (owners.size() == 1) {
                return Optional.of(new Match(owners.get(0), Identifier.MOBILE));
            }
            if (owners.size() > 1) {
                LOG.warnf("Realm %s: more than one user holds the mobile number %s; it signs nobody in",
                        realm.getName(), PhoneNumbers.mask(phone.get()));
            }
        }
        try {
            if (realm.isLoginWithEmailAllowed() && typed.indexOf('@') >= 0) {
                UserModel user = session.users().getUserByEmail(realm, typed);
                if (user != null) {
                    return Optional.of(new Match(user, Identifier.EMAIL));
                }
            }
            return Optional.ofNullable(session.users().getUserByUsername(realm, typed)).map(u -> new Match(u, Identifier.USERNAME));
        } catch (ModelDuplicateException e) {
            LOG.warnf("Realm %s: an account typed at sign-in matches more than one user (%s); it signs nobody in",
                    realm.getName(), e.getDuplicateFieldName());
            return Optional.empty();
        }
    }
}
