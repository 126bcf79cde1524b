package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.PartialImportRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.util.JsonSerialization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.OcqWebApp;
import com.ocq.keycloak.it.support.ResetFlowClient;

/**
 * Mobile numbers are stored in E.164 and unique per realm, on every path that writes users: the
 * admin REST API (which the admin console uses), the account REST API (self-service), a partial
 * import and a realm import. Numbers here are of the 135 range, which no other test uses.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MobileNumbersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.currentTimeMillis() / 1000 % 1_000_000) * 10);
    private static final String PASSWORD = "Mobile-numbers-2026";

    private KeycloakRuntime keycloak;
    private RealmResource realm;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    void connect(KeycloakRuntime keycloak) {
        this.keycloak = keycloak;
        this.realm = keycloak.admin().realm(ItConfig.REALM);
    }

    @AfterAll
    void deleteCreatedUsers() {
        created.forEach(id -> realm.users().get(id).remove());
    }

    /** A number no user has yet, in E.164. */
    private static String freshNumber() {
        return String.format("+86135%08d", NEXT.incrementAndGet());
    }

    /** The forms people type for an E.164 mainland number (rule 7 of SECURITY.md). */
    private static List<String> writtenForms(String e164) {
        String n = e164.substring(3);
        String spaced = n.substring(0, 3) + " " + n.substring(3, 7) + " " + n.substring(7);
        StringBuilder fullWidth = new StringBuilder();
        n.chars().forEach(c -> fullWidth.append((char) (c - '0' + '０')));
        return List.of(n, spaced, "+86 " + spaced.replace(' ', '-'), "0086 " + n, fullWidth.toString(), "＋８６ " + fullWidth);
    }

    private static UserRepresentation employee(String username, String phone) {
        return Employees.representation(username, phone, PASSWORD);
    }

    private static String username() {
        return "phone-it-" + NEXT.incrementAndGet();
    }

    /** Creates an employee with {@code phone} through the admin API and returns its id. */
    private String createEmployee(String username, String phone) {
        try (Response response = realm.users().create(employee(username, phone))) {
            assertThat(response.getStatus()).as(response.readEntity(String.class)).isEqualTo(201);
            String id = CreatedResponseUtil.getCreatedId(response);
            created.add(id);
            return id;
        }
    }

    private String storedNumber(String id) {
        return realm.users().get(id).toRepresentation().firstAttribute("phoneNumber");
    }

    private static void assertRefusedAsInUse(int status, String body) {
        assertThat(status).as(body).isEqualTo(400);
        JsonNode error = read(body);
        assertThat(error.path("field").asText()).isEqualTo("phoneNumber");
        assertThat(error.path("errorMessage").asText()).isEqualTo("ocqPhoneNumberInUse");
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }

    @Nested
    class AdminApi {

        @Test
        void givenEachWrittenFormThenTheNumberIsStoredInE164AndTheExactAttributeLookupFindsIt() {
            String e164 = freshNumber();
            for (String form : writtenForms(e164)) {
                String id = createEmployee(username(), form);
                assertThat(storedNumber(id)).as(form).isEqualTo(e164);
                assertThat(realm.users().searchByAttributes("phoneNumber:" + e164)).as(form)
                        .extracting(UserRepresentation::getId).containsExactly(id);
                realm.users().get(id).remove();
                created.remove(id);
            }
        }

        @Test
        void givenAnotherEmployeesNumberInAnyFormThenCreatingIsRefusedWithTheMessage() {
            String e164 = freshNumber();
            createEmployee(username(), e164);
            for (String form : writtenForms(e164)) {
                String username = username();
                try (Response response = realm.users().create(employee(username, form))) {
                    assertRefusedAsInUse(response.getStatus(), response.readEntity(String.class));
                }
                assertThat(realm.users().searchByUsername(username, true)).as(form).isEmpty();
            }
        }

        @Test
        void givenAnotherEmployeesNumberThenUpdatingIsRefusedWithTheMessageAndTheNumberStays() {
            String taken = freshNumber();
            createEmployee(username(), taken);
            String mine = freshNumber();
            String id = createEmployee(username(), mine);

            UserRepresentation rep = realm.users().get(id).toRepresentation();
            rep.singleAttribute("phoneNumber", writtenForms(taken).get(1));
            assertThatThrownBy(() -> realm.users().get(id).update(rep))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertRefusedAsInUse(
                            e.getResponse().getStatus(), e.getResponse().readEntity(String.class)));
            assertThat(storedNumber(id)).isEqualTo(mine);
        }

        @Test
        void givenTheirOwnNumberInAnotherFormThenAnUpdateKeepsItInE164WithoutAFalseDuplicate() {
            String mine = freshNumber();
            String id = createEmployee(username(), mine);
            for (String form : writtenForms(mine)) {
                UserRepresentation rep = realm.users().get(id).toRepresentation();
                rep.singleAttribute("phoneNumber", form);
                rep.setFirstName("改名");
                realm.users().get(id).update(rep);
                assertThat(storedNumber(id)).as(form).isEqualTo(mine);
            }
            UserRepresentation withoutAttributes = new UserRepresentation();
            withoutAttributes.setFirstName("再改名");
            realm.users().get(id).update(withoutAttributes);
            assertThat(storedNumber(id)).isEqualTo(mine);
        }

        @Test
        void givenANumberFreedByAnotherEmployeeThenItMayBeGivenToSomeoneElse() {
            String number = freshNumber();
            String first = createEmployee(username(), number);
            UserRepresentation rep = realm.users().get(first).toRepresentation();
            rep.singleAttribute("phoneNumber", freshNumber());
            realm.users().get(first).update(rep);

            assertThat(storedNumber(createEmployee(username(), writtenForms(number).get(0)))).isEqualTo(number);
        }
    }

    @Nested
    class SelfService {

        private String signIn(String username) {
            ResetFlowClient tab = new ResetFlowClient(keycloak);
            try (OcqWebApp app = new OcqWebApp(keycloak)) {
                tab.get(URI.create(app.authorizationUrl()));
                tab.post("kc-form-login", Map.of("username", username, "password", PASSWORD));
                return app.tokens(app.awaitCode(Duration.ofSeconds(30))).path("access_token").asText();
            }
        }

        private HttpResponse<String> account(String token, String method, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keycloak.realmUrl() + "/account/"))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json");
            if (body != null) {
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }

        @Test
        void givenAnotherEmployeesNumberThenTheAccountApiRefusesItWithTheMessageAndNothingChanges() throws Exception {
            String taken = freshNumber();
            createEmployee(username(), taken);
            String mine = freshNumber();
            String username = username();
            String id = createEmployee(username, mine);
            String token = signIn(username);

            ObjectNode me = (ObjectNode) read(account(token, "GET", null).body());
            assertThat(me.path("attributes").path("phoneNumber").get(0).asText()).isEqualTo(mine);
            ((ObjectNode) me.path("attributes")).putArray("phoneNumber").add(writtenForms(taken).get(0));
            HttpResponse<String> response = account(token, "POST", me.toString());

            // Keycloak answers a duplicate in the account API with 409, as it does for a taken email;
            // the number is an administrator's to change, so the read-only refusal comes with it.
            assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
            List<String> messages = new ArrayList<>();
            read(response.body()).path("errors").forEach(e -> messages.add(e.path("errorMessage").asText()));
            assertThat(messages).contains("ocqPhoneNumberInUse", "error-user-attribute-read-only");
            assertThat(storedNumber(id)).isEqualTo(mine);
        }

        @Test
        void givenTheirOwnProfileWithTheNumberUnchangedThenTheAccountApiSavesIt() throws Exception {
            String mine = freshNumber();
            String username = username();
            String id = createEmployee(username, mine);
            String token = signIn(username);

            ObjectNode me = (ObjectNode) read(account(token, "GET", null).body());
            me.put("firstName", "自己改");
            HttpResponse<String> response = account(token, "POST", me.toString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
            assertThat(realm.users().get(id).toRepresentation().getFirstName()).isEqualTo("自己改");
            assertThat(storedNumber(id)).isEqualTo(mine);
        }
    }

    @Nested
    class Imports {

        private Response partialImport(UserRepresentation... users) {
            PartialImportRepresentation rep = new PartialImportRepresentation();
            rep.setIfResourceExists(PartialImportRepresentation.Policy.FAIL.name());
            rep.setUsers(List.of(users));
            return realm.partialImport(rep);
        }

        @Test
        void givenAPartialImportWithNumbersInOtherFormsThenTheyAreStoredInE164() {
            String first = freshNumber();
            String second = freshNumber();
            String a = username();
            String b = username();
            try (Response response = partialImport(employee(a, writtenForms(first).get(1)), employee(b, writtenForms(second).get(4)))) {
                assertThat(response.getStatus()).as(response.readEntity(String.class)).isEqualTo(200);
            }
            for (String username : List.of(a, b)) {
                UserRepresentation user = realm.users().searchByUsername(username, true).get(0);
                created.add(user.getId());
                assertThat(user.firstAttribute("phoneNumber")).isEqualTo(username.equals(a) ? first : second);
            }
        }

        @Test
        void givenAPartialImportWithAnEmployeesNumberThenNothingIsImportedAndTheErrorNamesUserAndMaskedNumber() {
            String taken = freshNumber();
            String owner = username();
            createEmployee(owner, taken);
            String newcomer = username();
            String bystander = username();
            String masked = taken.substring(3, 6) + "****" + taken.substring(10);

            try (Response response = partialImport(employee(bystander, freshNumber()), employee(newcomer, writtenForms(taken).get(3)))) {
                String body = response.readEntity(String.class);
                assertThat(response.getStatus()).as(body).isEqualTo(400);
                JsonNode error = read(body);
                assertThat(error.path("errorMessage").asText()).isEqualTo("ocqPhoneNumberInUse");
                assertThat(error.path("params")).extracting(JsonNode::asText).containsExactly(newcomer, masked, owner);
                assertThat(body).doesNotContain(taken.substring(3));
            }
            assertThat(realm.users().searchByUsername(newcomer, true)).isEmpty();
            assertThat(realm.users().searchByUsername(bystander, true)).as("the whole import is refused").isEmpty();
            assertThat(keycloak.log()).contains("Import into realm 'ocq' refused, user '" + newcomer + "': mobile number " + masked
                    + " is already the number of user '" + owner + "'").doesNotContain(taken.substring(3));
        }

        @Test
        void givenAPartialImportOfTwoUsersWithOneNumberOrAnInvalidOneThenItIsRefused() {
            String number = freshNumber();
            String a = username();
            String b = username();
            try (Response response = partialImport(employee(a, number), employee(b, writtenForms(number).get(5)))) {
                String body = response.readEntity(String.class);
                assertThat(response.getStatus()).as(body).isEqualTo(400);
                assertThat(read(body).path("errorMessage").asText()).isEqualTo("ocqPhoneNumberInUse");
            }
            String c = username();
            try (Response response = partialImport(employee(c, "+1 415 555 2671"))) {
                String body = response.readEntity(String.class);
                assertThat(response.getStatus()).as(body).isEqualTo(400);
                assertThat(read(body).path("errorMessage").asText()).isEqualTo("ocqInvalidPhoneNumber");
            }
            for (String username : List.of(a, b, c)) {
                assertThat(realm.users().searchByUsername(username, true)).isEmpty();
            }
        }

        /** The OCQ template under a new realm name, as a company's tenant would be imported, with {@code users}. */
        private RealmRepresentation tenant(String name, UserRepresentation... users) throws Exception {
            Process script = new ProcessBuilder("bash", System.getProperty("ocq.tenant.script"), name).start();
            RealmRepresentation rep = JsonSerialization.readValue(script.getInputStream(), RealmRepresentation.class);
            assertThat(script.waitFor()).isZero();
            rep.setUsers(List.of(users));
            return rep;
        }

        @Test
        void givenARealmImportWhoseUsersShareANumberThenTheRealmIsRefusedAndTheLogNamesUserAndMaskedNumber() throws Exception {
            String name = "phone-it-" + NEXT.incrementAndGet();
            String number = freshNumber();
            String masked = number.substring(3, 6) + "****" + number.substring(10);
            RealmRepresentation rep = tenant(name, employee("first", number), employee("second", writtenForms(number).get(2)));

            assertThatThrownBy(() -> keycloak.admin().realms().create(rep)).isInstanceOfSatisfying(BadRequestException.class,
                    e -> assertThat(e.getResponse().readEntity(String.class))
                            .contains("user 'second': mobile number " + masked + " is already the number of user 'first'"));
            assertThat(keycloak.admin().realms().findAll()).extracting(RealmRepresentation::getRealm).doesNotContain(name);
            assertThat(keycloak.log()).contains("Import into realm '" + name + "' refused, user 'second': mobile number " + masked)
                    .doesNotContain(number.substring(3));
        }

        @Test
        void givenARealmImportWithNumbersInOtherFormsThenTheyAreStoredInE164() throws Exception {
            String name = "phone-it-" + NEXT.incrementAndGet();
            String number = freshNumber();
            keycloak.admin().realms().create(tenant(name, employee("first", writtenForms(number).get(4))));
            try {
                assertThat(keycloak.admin().realm(name).users().searchByUsername("first", true).get(0).firstAttribute("phoneNumber"))
                        .isEqualTo(number);
            } finally {
                keycloak.admin().realm(name).remove();
            }
        }
    }
}
