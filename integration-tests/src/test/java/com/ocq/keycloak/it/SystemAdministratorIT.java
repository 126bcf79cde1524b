package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.ForbiddenException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.representations.idm.GroupRepresentation;

import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;

/** 系统管理员 manages the company's employees and departments in its own realm, and nothing more. */
@ExtendWith(KeycloakExtension.class)
class SystemAdministratorIT {

    private static Keycloak signedInAs(KeycloakRuntime keycloak, String username) {
        return KeycloakBuilder.builder().serverUrl(keycloak.baseUrl()).realm(ItConfig.REALM).clientId("admin-cli")
                .username(username).password(ItConfig.DEMO_PASSWORD).build();
    }

    @Test
    void aSystemAdministratorSeesEmployeesAndDepartmentsButNotRealmSettingsOrClients(KeycloakRuntime keycloak) {
        try (Keycloak admin = signedInAs(keycloak, "zhanglonghui")) {
            var realm = admin.realm(ItConfig.REALM);
            assertThat(realm.users().count()).isEqualTo(keycloak.admin().realm(ItConfig.REALM).users().count());
            assertThat(realm.groups().groups()).extracting(GroupRepresentation::getName).contains("会计二部");
            assertThat(realm.users().searchByUsername("huangtao", true).get(0).firstAttribute("phoneNumber"))
                    .isEqualTo("+8613900000105");
            assertThatThrownBy(() -> realm.clients().findAll()).isInstanceOf(ForbiddenException.class);
            assertThatThrownBy(() -> admin.realm("master").users().count()).isInstanceOf(ForbiddenException.class);
        }
    }

    @Test
    void anEmployeeWithTheDefaultRoleCannotUseTheAdminApi(KeycloakRuntime keycloak) {
        try (Keycloak employee = signedInAs(keycloak, "huangtao")) {
            assertThatThrownBy(() -> employee.realm(ItConfig.REALM).users().count()).isInstanceOf(ForbiddenException.class);
        }
    }
}
