package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;

import com.ocq.keycloak.it.pages.AdminConsoleUserPage;
import com.ocq.keycloak.it.support.Browser;
import com.ocq.keycloak.it.support.BrowserExtension;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;

/** A company's system administrator edits employees' mobile numbers in the OCQ realm's admin console, in Chromium. */
@ExtendWith({KeycloakExtension.class, BrowserExtension.class})
class MobileNumbersBrowserIT {

    private static String console(KeycloakRuntime keycloak) {
        return keycloak.baseUrl() + "/admin/" + ItConfig.REALM + "/console/";
    }

    @Test
    void givenAnotherEmployeesNumberThenTheConsoleShowsTheChineseMessageAndKeepsTheNumber(KeycloakRuntime keycloak, Browser browser) {
        RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
        Employee owner = Employees.create(realm);
        Employee employee = Employees.create(realm);
        String typed = owner.national().substring(0, 3) + " " + owner.national().substring(3, 7) + " " + owner.national().substring(7);

        AdminConsoleUserPage page = new AdminConsoleUserPage(browser.driver())
                .open(console(keycloak), ItConfig.REALM, employee.id(), "zhanglonghui", ItConfig.DEMO_PASSWORD)
                .typePhoneNumber(typed).save();

        assertThat(page.phoneNumberError()).isEqualTo("该手机号码已被其他员工使用");
        assertThat(page.toast(false)).endsWith("该手机号码已被其他员工使用");
        assertThat(realm.users().get(employee.id()).toRepresentation().firstAttribute("phoneNumber")).isEqualTo(employee.phone());
    }

    @Test
    void givenANewNumberInFullWidthDigitsThenTheConsoleSavesItInE164AndShowsThat(KeycloakRuntime keycloak, Browser browser) {
        RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
        Employee employee = Employees.create(realm);
        Employee spare = Employees.create(realm);
        String number = spare.phone();
        realm.users().get(spare.id()).remove();
        StringBuilder fullWidth = new StringBuilder();
        spare.national().chars().forEach(c -> fullWidth.append((char) (c - '0' + '０')));

        AdminConsoleUserPage page = new AdminConsoleUserPage(browser.driver())
                .open(console(keycloak), ItConfig.REALM, employee.id(), "zhanglonghui", ItConfig.DEMO_PASSWORD)
                .typePhoneNumber(fullWidth.toString()).save();
        assertThat(page.toast(true)).isEqualTo("用户已保存");
        page.awaitPhoneNumber(number);

        assertThat(realm.users().get(employee.id()).toRepresentation().firstAttribute("phoneNumber")).isEqualTo(number);
        browser.driver().navigate().refresh();
        assertThat(page.waitUntilShown().phoneNumber()).isEqualTo(number);
    }
}
