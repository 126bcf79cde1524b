package com.ocq.keycloak.profile;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ConfiguredProvider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.validate.AbstractStringValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidationResult;
import org.keycloak.validate.ValidatorConfig;
import org.keycloak.validate.validators.ValidatorConfigValidator;

/**
 * User-profile validator {@value #ID}: the value is a mobile number of an allowed region (any
 * written form) and no other user of the realm has it. The attribute is stored in E.164
 * ({@link MobileNumberAttributes}), so "has it" is one exact query on the normalised number:
 * {@code UserProvider.searchForUserByUserAttributeStream}, which Keycloak's JPA store runs as
 * {@code attr.name = :name and attr.value = :value} on table {@code USER_ATTRIBUTE}, served by its
 * index {@code IDX_USER_ATTRIBUTE_NAME} on {@code (NAME, VALUE)} (Keycloak's
 * {@code jpa-changelog-14.0.0.xml}, change set {@code KEYCLOAK-17267-add-index-to-user-attributes}).
 * Users are never scanned.
 * <p>
 * Like Keycloak's own duplicate-email check, this is a check before the write, not a database
 * constraint: two administrators saving the same new number in the same instant could both pass.
 */
public final class MobileNumberValidator extends AbstractStringValidator implements ConfiguredProvider {

    public static final String ID = "ocq-mobile-number";

    private static final List<ProviderConfigProperty> CONFIG = ProviderConfigurationBuilder.create()
            .property().name(MobileNumberRule.REGIONS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .label("Allowed regions")
            .helpText("ISO region codes the number may belong to (default CN, mainland China). Numbers without a country "
                    + "code are read as mainland-China numbers.")
            .add().build();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    protected void doValidate(String value, String inputHint, ValidationContext context, ValidatorConfig config) {
        Optional<String> e164 = MobileNumberRule.of(settings(config)).normalize(value);
        if (e164.isEmpty()) {
            context.addError(new ValidationError(ID, inputHint, MobileNumberRule.MESSAGE_INVALID));
            return;
        }
        KeycloakSession session = context.getSession();
        RealmModel realm = session.getContext().getRealm();
        UserModel self = context instanceof UserProfileAttributeValidationContext profile
                ? profile.getAttributeContext().getUser() : null;
        if (ownedByAnother(session, realm, inputHint, e164.get(), self)) {
            context.addError(new ValidationError(ID, inputHint, MobileNumberRule.MESSAGE_IN_USE)
                    .setStatusCode(Response.Status.CONFLICT));
        }
    }

    /** Whether a user other than {@code self} has {@code e164} as {@code attribute}: one exact, indexed query. */
    static boolean ownedByAnother(KeycloakSession session, RealmModel realm, String attribute, String e164, UserModel self) {
        return session.users().searchForUserByUserAttributeStream(realm, attribute, e164)
                .anyMatch(owner -> self == null || !owner.getId().equals(self.getId()));
    }

    @Override
    public ValidationResult validateConfig(KeycloakSession session, ValidatorConfig config) {
        Set<ValidationError> errors = new LinkedHashSet<>();
        for (String unknown : MobileNumberRule.unknownRegions(settings(config))) {
            errors.add(new ValidationError(ID, MobileNumberRule.REGIONS, ValidatorConfigValidator.MESSAGE_CONFIG_INVALID_VALUE, unknown));
        }
        return new ValidationResult(errors);
    }

    private static Map<String, Object> settings(ValidatorConfig config) {
        return config == null ? Map.of() : config.asMap();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new ImportedMobileNumbers());
    }

    @Override
    public String getHelpText() {
        return "OCQ mobile number: a valid mobile number of an allowed region, stored in E.164, unique in the realm";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }
}
