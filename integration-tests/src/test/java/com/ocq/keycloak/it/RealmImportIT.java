package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPConfig;

import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;

/** The realm template and the demo employees, as the server imported them. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealmImportIT {

    private RealmResource realm;

    @BeforeAll
    void connect(KeycloakRuntime keycloak) {
        realm = keycloak.admin().realm(ItConfig.REALM);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RealmSettings {

        private RealmRepresentation rep;

        @BeforeAll
        void load() {
            rep = realm.toRepresentation();
        }

        @Test
        void identityAndLoginOptions() {
            assertThat(rep.getDisplayName()).isEqualTo("OCQ 云智能管理");
            assertThat(rep.isRegistrationAllowed()).as("accounts are allocated by admins").isFalse();
            assertThat(rep.isLoginWithEmailAllowed()).isTrue();
            assertThat(rep.isDuplicateEmailsAllowed()).isFalse();
            assertThat(rep.isResetPasswordAllowed()).isTrue();
            assertThat(rep.getLoginTheme()).isEqualTo("ocq");
            assertThat(rep.getAccountTheme()).as("Keycloak's account console with its Chinese corrected").isEqualTo("ocq");
        }

        @Test
        void chineseFirstThenEnglish() {
            assertThat(rep.isInternationalizationEnabled()).isTrue();
            assertThat(rep.getDefaultLocale()).isEqualTo("zh-CN");
            assertThat(rep.getSupportedLocales()).containsExactlyInAnyOrder("zh-CN", "en");
        }

        @Test
        void bruteForceDetectionIsOn() {
            assertThat(rep.isBruteForceProtected()).isTrue();
            assertThat(rep.getFailureFactor()).isBetween(3, 30);
            assertThat(rep.isPermanentLockout()).isFalse();
        }

        @Test
        void passwordPolicyFollowsRule15() {
            assertThat(rep.getPasswordPolicy()).contains("length(8)", "maxLength(64)", "notUsername", "notEmail",
                    "passwordBlacklist(ocq-common-passwords.txt)", "passwordHistory(3)");
            assertThat(rep.getPasswordPolicy()).as("Keycloak's default hashing stays").doesNotContain("hashAlgorithm");
        }

        @Test
        void loginAndAdminEventsAreStored() {
            assertThat(rep.isEventsEnabled()).isTrue();
            assertThat(rep.isAdminEventsEnabled()).isTrue();
            assertThat(rep.isAdminEventsDetailsEnabled()).isTrue();
        }
    }

    @Test
    void departmentsAreGroups() {
        List<String> names = realm.groups().groups().stream().map(GroupRepresentation::getName).toList();
        assertThat(names).containsExactlyInAnyOrder("公司总部", "工商部", "会计二部", "业务部");
    }

    @Test
    void rolesCarryStableNamesAndChineseDescriptions() {
        Map<String, String> roles = realm.roles().list().stream()
                .collect(Collectors.toMap(RoleRepresentation::getName, r -> String.valueOf(r.getDescription())));
        assertThat(roles).containsEntry("ocq-system-admin", "系统管理员")
                .containsEntry("ocq-general-manager", "总经理")
                .containsEntry("ocq-registration-supervisor", "工商主管")
                .containsEntry("ocq-registration-specialist", "工商专员")
                .containsEntry("ocq-bookkeeper", "记账专员")
                .containsEntry("default-roles-ocq", "默认角色");
    }

    @Test
    void systemAdministratorManagesUsersGroupsAndCredentials() {
        String realmManagementId = realm.clients().findByClientId("realm-management").get(0).getId();
        List<String> composites = realm.roles().get("ocq-system-admin").getClientRoleComposites(realmManagementId).stream()
                .map(RoleRepresentation::getName).toList();
        assertThat(composites).contains("manage-users", "view-users", "query-users", "query-groups", "view-realm")
                .doesNotContain("manage-realm", "realm-admin", "manage-clients");
    }

    @Test
    void theWebAppIsAPublicPkceClientWithLoopbackRedirects() {
        ClientRepresentation client = realm.clients().findByClientId(ItConfig.WEB_CLIENT).get(0);
        assertThat(client.isPublicClient()).isTrue();
        assertThat(client.isStandardFlowEnabled()).isTrue();
        assertThat(client.isImplicitFlowEnabled()).isFalse();
        assertThat(client.isDirectAccessGrantsEnabled()).isFalse();
        assertThat(client.getAttributes()).containsEntry("pkce.code.challenge.method", "S256");
        assertThat(client.getRedirectUris()).isNotEmpty().allMatch(uri -> uri.startsWith("http://localhost/") || uri.startsWith("http://127.0.0.1/"));
    }

    @Test
    void theEmployeeAccountsPageIsAPublicPkceClientWithOneExactRedirect() {
        ClientRepresentation client = realm.clients().findByClientId("ocq-admin-page").get(0);
        assertThat(client.isPublicClient()).isTrue();
        assertThat(client.isStandardFlowEnabled()).isTrue();
        assertThat(client.isImplicitFlowEnabled()).isFalse();
        assertThat(client.isDirectAccessGrantsEnabled()).isFalse();
        assertThat(client.getAttributes()).containsEntry("pkce.code.challenge.method", "S256");
        assertThat(client.getRootUrl()).isEqualTo("${authBaseUrl}");
        assertThat(client.getRedirectUris()).containsExactly("/realms/" + ItConfig.REALM + "/ocq-admin/");
    }

    @Nested
    class UserProfile {

        private UPAttribute attribute(String name) {
            UPConfig config = realm.users().userProfile().getConfiguration();
            return config.getAttribute(name);
        }

        @Test
        void phoneNumberIsValidatedVisibleToTheUserAndEditableByAdminsOnly() {
            UPAttribute phone = attribute("phoneNumber");
            assertThat(phone.getDisplayName()).isEqualTo("${ocqPhoneNumber}");
            assertThat(phone.getValidations()).containsKey("ocq-mobile-number").doesNotContainKey("pattern");
            assertThat(phone.getPermissions().getView()).contains("admin", "user");
            assertThat(phone.getPermissions().getEdit()).containsExactly("admin");
        }

        @Test
        void jobTitleAndLoginMethods() {
            assertThat(attribute("jobTitle").getDisplayName()).isEqualTo("${ocqJobTitle}");
            UPAttribute methods = attribute("loginMethods");
            assertThat(methods.getAnnotations()).containsEntry("inputType", "select");
            assertThat(String.valueOf(methods.getValidations().get("options").get("options"))).isEqualTo("[phone, email, all]");  // the select's order
            assertThat(methods.getDefaultValue()).isEqualTo("all");
        }

        @Test
        void lastLoginTimeIsReadOnly() {
            UPAttribute last = attribute("lastLoginTime");
            assertThat(last.getPermissions().getView()).contains("admin");
            assertThat(last.getPermissions().getEdit()).isEmpty();
        }

        @Test
        void labelsExistInChineseAndEnglish() {
            Map<String, String> zh = realm.localization().getRealmLocalizationTexts("zh-CN");
            Map<String, String> en = realm.localization().getRealmLocalizationTexts("en");
            for (String key : List.of("ocqPhoneNumber", "ocqJobTitle", "ocqLoginMethods", "ocqLastLoginTime",
                    "ocqLoginMethodPhone", "ocqLoginMethodEmail", "ocqLoginMethodAll", "ocqInvalidPhoneNumber")) {
                assertThat(zh).containsKey(key);
                assertThat(en).containsKey(key);
            }
            assertThat(zh).containsEntry("ocqPhoneNumber", "手机号码").containsEntry("ocqJobTitle", "职位")
                    .containsEntry("ocqLoginMethodPhone", "通过手机号登录").containsEntry("ocqLastLoginTime", "最近登录时间");
        }
    }

    @Nested
    class DemoEmployees {

        @Test
        void elevenEmployeesAsInTheSeed() {
            // Other tests add employees of their own (usernames emp…/it-…); the demo ones are these.
            List<String> seed = List.of("zhanglonghui", "zhushuang", "liusuqing", "xululu", "huangtao", "yangfeng", "xulu",
                    "chenxiaoming", "fanxiansheng", "cuixiangqian", "lihaicheng");
            List<UserRepresentation> users = realm.users().list(0, 1000).stream().filter(u -> seed.contains(u.getUsername())).toList();
            assertThat(users).hasSize(11);
            assertThat(users).allSatisfy(u -> assertThat(u.firstAttribute("phoneNumber")).matches("\\+86139\\d{8}"));
        }

        @Test
        void anEmployeeHasDepartmentRoleAndJobTitle() {
            UserRepresentation zhang = realm.users().searchByUsername("zhanglonghui", true).get(0);
            assertThat(zhang.getLastName() + zhang.getFirstName()).isEqualTo("张龙辉");
            assertThat(zhang.firstAttribute("jobTitle")).isEqualTo("董事长");
            assertThat(realm.users().get(zhang.getId()).groups()).extracting(GroupRepresentation::getName).containsExactly("公司总部");
            assertThat(realm.users().get(zhang.getId()).roles().realmLevel().listAll())
                    .extracting(RoleRepresentation::getName).contains("ocq-system-admin", "default-roles-ocq");
        }

        @Test
        void departmentsHoldTheirPeople() {
            String registration = realm.groups().groups("工商部", 0, 1).get(0).getId();
            assertThat(realm.groups().group(registration).members()).extracting(UserRepresentation::getUsername)
                    .containsExactlyInAnyOrder("zhushuang", "liusuqing");
        }
    }
}
