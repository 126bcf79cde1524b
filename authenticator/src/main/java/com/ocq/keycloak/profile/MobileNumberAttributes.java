package com.ocq.keycloak.profile;

import java.util.List;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.AttributeMetadata;
import org.keycloak.userprofile.AttributeValidatorMetadata;
import org.keycloak.userprofile.DefaultAttributes;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileMetadata;

/**
 * Keycloak's user-profile attributes, plus one normalisation: every attribute validated by
 * {@value MobileNumberValidator#ID} is turned into E.164 before it is validated and stored, on
 * every path that writes through the user profile (admin console and admin REST API, account
 * console and account REST API, update-profile and first-broker-login screens).
 * <p>
 * {@link DefaultAttributes#normalizeAttributeValues} is Keycloak's hook for this ("intentionally
 * kept to protected visibility to allow for custom normalization logic"); it is how Keycloak itself
 * lower-cases usernames and emails. It runs inside the superclass constructor, so this class has no
 * fields of its own.
 * <p>
 * Where the attribute is read-only (an employee's own profile: only administrators edit numbers),
 * values are left exactly as stored, so that Keycloak's read-only check keeps comparing like with like.
 */
final class MobileNumberAttributes extends DefaultAttributes {

    MobileNumberAttributes(UserProfileContext context, Map<String, ?> attributes, UserModel user,
            UserProfileMetadata profileMetadata, KeycloakSession session) {
        super(context, attributes, user, profileMetadata, session);
    }

    @Override
    protected List<String> normalizeAttributeValues(String name, Object value) {
        List<String> values = super.normalizeAttributeValues(name, value);
        AttributeMetadata metadata = getMetadata(name);
        if (metadata == null || values.isEmpty()) {
            return values;
        }
        for (AttributeValidatorMetadata validator : metadata.getValidators()) {
            if (MobileNumberValidator.ID.equals(validator.getValidatorId())) {
                if (metadata.isReadOnly(createAttributeContext(metadata))) {
                    return values;
                }
                return MobileNumberRule.of(validator.getValidatorConfig()).storedForm(values);
            }
        }
        return values;
    }
}
