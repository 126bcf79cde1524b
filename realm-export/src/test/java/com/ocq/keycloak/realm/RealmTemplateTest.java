package com.ocq.keycloak.realm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Checks of the template files themselves; the integration tests check what the server makes of them. */
class RealmTemplateTest {

    private static final Path DIR = Path.of("src/main/realm");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode read(String file) throws IOException {
        return JSON.readTree(DIR.resolve(file).toFile());
    }

    @Test
    void givenUserProfileJsonThenTheRealmEmbedsExactlyIt() throws IOException {
        JsonNode embedded = JSON.readTree(read("ocq-realm.json")
                .path("components").path("org.keycloak.userprofile.UserProfileProvider").get(0)
                .path("config").path("kc.user.profile.config").get(0).asText());
        assertThat(embedded).as("run realm-export/embed-user-profile.sh after editing user-profile.json")
                .isEqualTo(read("user-profile.json"));
    }

    @Test
    void givenTheTemplateThenItHoldsNoUsersAndNoSecrets() throws IOException {
        JsonNode realm = read("ocq-realm.json");
        assertThat(realm.has("users")).as("demo users live in demo/, never in the template").isFalse();
        assertThat(realm.toString()).doesNotContainIgnoringCase("secret").doesNotContain("ocq-demo-2026");
    }

    @Test
    void givenTheDemoUsersThenTheyUseOnlyDepartmentsAndRolesOfTheTemplate() throws IOException {
        JsonNode realm = read("ocq-realm.json");
        Set<String> groups = names(realm.path("groups"), "path");
        Set<String> roles = names(realm.path("roles").path("realm"), "name");
        JsonNode users = read("demo/ocq-users-0.json");
        assertThat(users.path("realm").asText()).isEqualTo(realm.path("realm").asText());
        assertThat(users.path("users")).hasSize(11);
        Set<String> phones = new HashSet<>();
        for (JsonNode user : users.path("users")) {
            user.path("groups").forEach(g -> assertThat(groups).contains(g.asText()));
            user.path("realmRoles").forEach(r -> assertThat(roles).contains(r.asText()));
            assertThat(phones.add(user.path("attributes").path("phoneNumber").get(0).asText())).as("unique phone").isTrue();
        }
    }

    @Test
    void givenTheBlocklistThenTheDemoPasswordIsNotInItButCommonOnesAre() throws IOException {
        List<String> blocked = Files.readAllLines(DIR.resolve("password-blacklists/ocq-common-passwords.txt"));
        assertThat(blocked).contains("password123", "woaini1314", "12345678").doesNotContain("ocq-demo-2026");
        assertThat(blocked).allSatisfy(p -> assertThat(p).isLowerCase().doesNotContain(" "));
    }

    private static Set<String> names(JsonNode array, String field) {
        Set<String> out = new HashSet<>();
        StreamSupport.stream(array.spliterator(), false).forEach(n -> out.add(n.path(field).asText()));
        return out;
    }
}
