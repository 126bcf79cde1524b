package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;

/** The user profile and the password policy, enforced by the live server on the admin API. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProfileValidationIT {

    private RealmResource realm;

    @BeforeAll
    void connect(KeycloakRuntime keycloak) {
        realm = keycloak.admin().realm(ItConfig.REALM);
    }

    private UserRepresentation employee(String phone) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername("it-" + UUID.randomUUID().toString().substring(0, 8));
        user.setFirstName("测试");
        user.setLastName("员工");
        user.setEnabled(true);
        user.setAttributes(Map.of("phoneNumber", List.of(phone)));
        return user;
    }

    @ParameterizedTest
    @CsvSource({"13900000999, +8613900000999", "+86 139-0000-0998, +8613900000998", "0086 13900000997, +8613900000997",
            "１３９００００09９６, +8613900000996"})
    void givenAMobileNumberInAnyWrittenFormThenTheAdminApiAcceptsItAndStoresE164(String phone, String e164) {
        try (Response response = realm.users().create(employee(phone))) {
            assertThat(response.getStatus()).isEqualTo(201);
            String id = CreatedResponseUtil.getCreatedId(response);
            assertThat(realm.users().get(id).toRepresentation().firstAttribute("phoneNumber")).isEqualTo(e164);
            realm.users().delete(id).close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-number", "<img src=x onerror=alert(1)>", "${code}", "12", "13900000999\n", "+1 415 555 2671", "010 6552 9988"})
    void givenSomethingElseThenTheAdminApiRefusesItWithTheOcqMessage(String phone) {
        try (Response response = realm.users().create(employee(phone))) {
            assertThat(response.getStatus()).isEqualTo(400);
            assertThat(response.readEntity(String.class)).contains("ocqInvalidPhoneNumber");
        }
    }

    @Test
    void givenAWeakPasswordThenThePolicyRefusesItAndAStrongOneIsAccepted() {
        String id;
        try (Response response = realm.users().create(employee("13900000990"))) {
            id = CreatedResponseUtil.getCreatedId(response);
        }
        try {
            for (String weak : List.of("short1", "password123", "Password123" /* blocklist is case-insensitive */,
                    "x".repeat(65))) {
                assertThatThrownBy(() -> realm.users().get(id).resetPassword(password(weak)))
                        .as(weak).isInstanceOf(BadRequestException.class);
            }
            realm.users().get(id).resetPassword(password("长城-万里-2026-春"));
            assertThat(realm.users().get(id).credentials()).extracting(CredentialRepresentation::getType).contains("password");
        } finally {
            realm.users().delete(id).close();
        }
    }

    @Test
    void givenThePreviousPasswordThenHistoryRefusesIt() {
        String id;
        try (Response response = realm.users().create(employee("13900000991"))) {
            id = CreatedResponseUtil.getCreatedId(response);
        }
        try {
            realm.users().get(id).resetPassword(password("first-Pass-2026"));
            realm.users().get(id).resetPassword(password("second-Pass-2026"));
            assertThatThrownBy(() -> realm.users().get(id).resetPassword(password("first-Pass-2026")))
                    .isInstanceOf(BadRequestException.class);
        } finally {
            realm.users().delete(id).close();
        }
    }

    private static CredentialRepresentation password(String value) {
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(value);
        credential.setTemporary(false);
        return credential;
    }
}
