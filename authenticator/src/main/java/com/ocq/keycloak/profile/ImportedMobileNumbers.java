package com.ocq.keycloak.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.partialimport.Action;
import org.keycloak.partialimport.PartialImportResult;
import org.keycloak.partialimport.PartialImportResults;
import org.keycloak.partialimport.ResourceType;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;
import org.keycloak.representations.idm.ErrorRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.services.ErrorResponse;
import org.keycloak.storage.PartialImportRealmFromRepresentationEvent;
import org.keycloak.userprofile.UserProfileProvider;

import com.ocq.keycloak.profile.ImportCheck.Imported;
import com.ocq.keycloak.profile.ImportCheck.Outcome;
import com.ocq.keycloak.profile.ImportCheck.Problem;

/**
 * Realm imports write users straight into the store, without the user profile (Keycloak's
 * {@code DefaultExportImportManager.createUser}), and Keycloak offers no per-user hook there. So the
 * users an import wrote are checked once the import is done, in its transaction, against the same
 * rule ({@link ImportCheck}); a refusal fails the whole import, and nothing of it is kept:
 * <ul>
 * <li>a realm import ({@code kc.sh start --import-realm}, {@code kc.sh import}, a new realm from a
 * file in the admin console or REST API) ends with {@link RealmModel.RealmPostCreateEvent}, after
 * the realm's users (also those of {@code <realm>-users-N.json} files) are in; it is checked there;</li>
 * <li>a partial import (admin console, {@code POST /admin/realms/{realm}/partialImport}) is checked
 * just before its transaction commits, when Keycloak has written the users it added or overwrote;
 * the caller gets HTTP 400 naming each user and masked number.</li>
 * </ul>
 * Numbers written in another form are stored in E.164. Each refusal is logged as an error naming the
 * user and the masked number, never the full number.
 */
final class ImportedMobileNumbers implements ProviderEventListener {

    private static final Logger LOG = Logger.getLogger(ImportedMobileNumbers.class);

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            KeycloakSession session = created.getKeycloakSession();
            RealmModel realm = created.getCreatedRealm();
            List<Refusal> refusals = check(session, realm,
                    () -> session.users().searchForUserStream(realm, Map.of(UserModel.INCLUDE_SERVICE_ACCOUNT, "false")));
            if (!refusals.isEmpty()) {
                throw new ModelException("Import of realm '" + realm.getName() + "' refused: "
                        + String.join("; ", refusals.stream().map(r -> r.problem().describe()).toList()));
            }
        } else if (event instanceof PartialImportRealmFromRepresentationEvent partial) {
            // Listeners run in no guaranteed order: this one may come before Keycloak's import, so
            // it looks at the results when the import's transaction is about to commit.
            partial.getSession().getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    checkPartialImport(partial);
                }

                @Override
                protected void rollbackImpl() {
                }
            });
        }
    }

    private static void checkPartialImport(PartialImportRealmFromRepresentationEvent partial) {
        PartialImportResults results = partial.getPartialImportResults();
        if (results == null) {
            return;
        }
        KeycloakSession session = partial.getSession();
        RealmModel realm = partial.getRealm();
        List<Refusal> refusals = check(session, realm, () -> results.getResults().stream()
                .filter(r -> r.getResourceType() == ResourceType.USER)
                .filter(r -> r.getAction() == Action.ADDED || r.getAction() == Action.OVERWRITTEN)
                .sorted(Comparator.comparing(PartialImportResult::getResourceName))
                .map(r -> Optional.ofNullable(r.getId()).map(id -> session.users().getUserById(realm, id))
                        .orElseGet(() -> session.users().getUserByUsername(realm, r.getResourceName())))
                .filter(Objects::nonNull));
        if (!refusals.isEmpty()) {
            throw ErrorResponse.errors(refusals.stream().map(Refusal::error).toList(), Response.Status.BAD_REQUEST);
        }
    }

    /** A refused number of one user-profile attribute. */
    private record Refusal(String attribute, Problem problem) {

        /** The user-profile message key, with the username, the masked number and the other user as parameters. */
        ErrorRepresentation error() {
            Object[] params = problem.otherUsername() == null
                    ? new Object[] {problem.username(), problem.maskedNumber()}
                    : new Object[] {problem.username(), problem.maskedNumber(), problem.otherUsername()};
            return new ErrorRepresentation(attribute, problem.messageKey(), params);
        }
    }

    /** Checks every attribute the realm's user profile validates with {@value MobileNumberValidator#ID}; normalises and logs. */
    private static List<Refusal> check(KeycloakSession session, RealmModel realm, Supplier<Stream<UserModel>> users) {
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            List<Refusal> refusals = new ArrayList<>();
            UPConfig config = session.getProvider(UserProfileProvider.class).getConfiguration();
            for (UPAttribute attribute : config.getAttributes()) {
                Map<String, Object> validator = attribute.getValidations() == null ? null
                        : attribute.getValidations().get(MobileNumberValidator.ID);
                if (validator != null) {
                    for (Problem problem : check(session, realm, attribute.getName(), MobileNumberRule.of(validator), users.get())) {
                        refusals.add(new Refusal(attribute.getName(), problem));
                    }
                }
            }
            return refusals;
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    private static List<Problem> check(KeycloakSession session, RealmModel realm, String attribute, MobileNumberRule rule,
            Stream<UserModel> users) {
        Map<String, UserModel> byUsername = new LinkedHashMap<>();
        List<Imported> imported = new ArrayList<>();
        users.filter(u -> u.getFirstAttribute(attribute) != null).forEach(u -> {
            byUsername.put(u.getUsername(), u);
            imported.add(new Imported(u.getUsername(), u.getAttributeStream(attribute).toList()));
        });
        // The lookup is the validator's: one exact query on the index (NAME, VALUE), see MobileNumberValidator.
        Outcome outcome = ImportCheck.check(imported, rule, (e164, username) ->
                session.users().searchForUserByUserAttributeStream(realm, attribute, e164)
                        .map(UserModel::getUsername).filter(u -> !u.equals(username)).findFirst());
        for (Problem problem : outcome.problems()) {
            LOG.errorf("Import into realm '%s' refused, %s", realm.getName(), problem.describe());
        }
        if (outcome.problems().isEmpty()) {
            outcome.toStore().forEach((username, values) -> byUsername.get(username).setAttribute(attribute, values));
        }
        return outcome.problems();
    }
}
