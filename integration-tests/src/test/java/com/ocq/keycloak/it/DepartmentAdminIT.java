package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.it.support.AdminApi;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;

/**
 * An administrator limited to one department with Keycloak's fine-grained admin permissions (v2):
 * the realm's {@code adminPermissionsEnabled} on, the admin holding only realm-management's
 * query-users and query-groups, and a permission on the group 工商部 with the scopes view-members
 * and manage-members for a user policy naming the admin (what the admin console's Permissions tab
 * creates). That admin lists and resets 工商部's employees, and nobody else.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DepartmentAdminIT {

    private static final String DEPARTMENT = "工商部";
    private static final String OTHER_DEPARTMENT = "业务部";

    private AdminApi api;
    private RealmResource realm;
    private String permissionsClient;
    private String policyId;
    private String permissionId;
    private Employee departmentAdmin;
    private Employee ownEmployee;
    private Employee otherEmployee;

    private String path(String rest) {
        return "/admin/realms/" + ItConfig.REALM + rest;
    }

    private JsonNode master(String method, String rest, Object body, int expectedStatus) {
        HttpResponse<String> response = api.send(method, path(rest), api.masterToken(), body);
        assertThat(response.statusCode()).as(method + " " + rest + ": " + response.body()).isEqualTo(expectedStatus);
        return response.body().isEmpty() ? null : AdminApi.json(response);
    }

    private String groupId(String name) {
        return realm.groups().groups().stream().filter(g -> name.equals(g.getName())).map(GroupRepresentation::getId)
                .findFirst().orElseThrow();
    }

    @BeforeAll
    void limitAnAdminToOneDepartment(KeycloakRuntime keycloak) {
        api = new AdminApi(keycloak);
        realm = keycloak.admin().realm(ItConfig.REALM);
        master("PUT", "", Map.of("adminPermissionsEnabled", true), 204);
        permissionsClient = master("GET", "/clients?clientId=admin-permissions", null, 200).get(0).path("id").asText();

        departmentAdmin = Employees.create(realm);
        String realmManagement = realm.clients().findByClientId("realm-management").get(0).getId();
        List<RoleRepresentation> roles = List.of(realm.clients().get(realmManagement).roles().get("query-users").toRepresentation(),
                realm.clients().get(realmManagement).roles().get("query-groups").toRepresentation());
        realm.users().get(departmentAdmin.id()).roles().clientLevel(realmManagement).add(roles);

        ownEmployee = Employees.create(realm);
        realm.users().get(ownEmployee.id()).joinGroup(groupId(DEPARTMENT));
        otherEmployee = Employees.create(realm);
        realm.users().get(otherEmployee.id()).joinGroup(groupId(OTHER_DEPARTMENT));

        String authz = "/clients/" + permissionsClient + "/authz/resource-server";
        policyId = master("POST", authz + "/policy/user", Map.of("name", "ocq-it " + departmentAdmin.username(),
                "users", List.of(departmentAdmin.id())), 201).path("id").asText();
        permissionId = master("POST", authz + "/permission/scope", Map.of(
                "name", "ocq-it " + DEPARTMENT + " members for " + departmentAdmin.username(),
                "resourceType", "Groups", "resources", List.of(groupId(DEPARTMENT)),
                "scopes", List.of("view-members", "manage-members"),
                "policies", List.of(policyId), "decisionStrategy", "UNANIMOUS"), 201).path("id").asText();
    }

    @AfterAll
    void removeThePermissions() {
        String authz = "/clients/" + permissionsClient + "/authz/resource-server";
        if (permissionId != null) {
            master("DELETE", authz + "/permission/" + permissionId, null, 204);
        }
        if (policyId != null) {
            master("DELETE", authz + "/policy/" + policyId, null, 204);
        }
        master("PUT", "", Map.of("adminPermissionsEnabled", false), 204);
    }

    private String token() {
        return api.token(departmentAdmin.username(), departmentAdmin.password());
    }

    @Test
    void theDepartmentAdminResetsAnEmployeeOfTheirDepartment() {
        HttpResponse<String> response = api.resetAccount(token(), ownEmployee.id(), Map.of("loginMethods", "all", "sendSms", false));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(realm.users().get(ownEmployee.id()).toRepresentation().getRequiredActions()).containsExactly("UPDATE_PASSWORD");
    }

    @Test
    void theDepartmentAdminCannotResetAnotherDepartmentsEmployee() {
        HttpResponse<String> response = api.resetAccount(token(), otherEmployee.id(), Map.of("loginMethods", "all", "sendSms", true));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(realm.users().get(otherEmployee.id()).toRepresentation().getRequiredActions()).isEmpty();
        assertThat(api.passwordGrant(otherEmployee.username(), otherEmployee.password()).statusCode())
                .as("the other department's employee keeps the password").isEqualTo(200);
    }

    @Test
    void theDepartmentAdminListsOnlyTheirDepartment() {
        JsonNode own = AdminApi.json(api.employees(token(), ownEmployee.username())).path("users");
        assertThat(own).hasSize(1);
        assertThat(own.get(0).path("departments").get(0).asText()).isEqualTo(DEPARTMENT);
        assertThat(own.get(0).path("manage").asBoolean()).isTrue();
        assertThat(AdminApi.json(api.employees(token(), otherEmployee.username())).path("users")).isEmpty();
        assertThat(AdminApi.json(api.employees(token(), otherEmployee.phone())).path("users"))
                .as("nor by the other employee's mobile number").isEmpty();
    }

    @Test
    void aSystemAdministratorStillManagesEveryDepartment() {
        String token = api.token("zhanglonghui", ItConfig.DEMO_PASSWORD);
        JsonNode listed = AdminApi.json(api.employees(token, otherEmployee.username())).path("users");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("departments").get(0).asText()).isEqualTo(OTHER_DEPARTMENT);
        assertThat(listed.get(0).path("phoneNumber").asText()).isEqualTo("137****" + otherEmployee.phone().substring(10));
    }
}
