package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.ocq.keycloak.it.pages.AdminAccountsPage;
import com.ocq.keycloak.it.pages.LoginPage;
import com.ocq.keycloak.it.support.Browser;
import com.ocq.keycloak.it.support.BrowserExtension;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.OcqWebApp;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;

/**
 * The OCQ employee-accounts page in real Chromium: a 系统管理员 signs in with Keycloak, finds an
 * employee, resets the account (激活/重置登录帐号) and reads the initial password once; the employee
 * then signs in with it and must change it first.
 */
@ExtendWith({KeycloakExtension.class, BrowserExtension.class})
class AdminPageBrowserIT {

    private static String pageUrl(KeycloakRuntime keycloak) {
        return keycloak.realmUrl() + "/ocq-admin/";
    }

    private static String groupId(RealmResource realm, String name) {
        return realm.groups().groups().stream().filter(g -> name.equals(g.getName())).findFirst().orElseThrow().getId();
    }

    @Test
    void aSystemAdministratorResetsAnEmployeeWhoThenSignsInWithTheInitialPassword(KeycloakRuntime keycloak, ServerSetup setup,
            Browser browser) {
        RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
        Employee employee = Employees.create(realm);
        realm.users().get(employee.id()).joinGroup(groupId(realm, "业务部"));
        WebDriver driver = browser.driver();

        driver.get(pageUrl(keycloak));
        new LoginPage(driver).waitUntilShown().signIn("zhanglonghui", ItConfig.DEMO_PASSWORD);
        AdminAccountsPage page = new AdminAccountsPage(driver).waitUntilListed();

        assertThat(page.htmlLang()).isEqualTo("zh-CN");
        assertThat(page.heading()).isEqualTo("员工帐号管理");
        assertThat(page.signedInAs()).isEqualTo("张龙辉");
        assertThat(page.columnHeaders()).containsExactly("用户姓名", "用户名", "部门", "手机号码", "状态", "最近登录时间", "操作");

        page.search(employee.username(), employee.username());
        String masked = "137****" + employee.phone().substring(10);
        UserRepresentation rep = realm.users().get(employee.id()).toRepresentation();
        assertThat(page.row(employee.username())).startsWith(rep.getLastName() + rep.getFirstName(), employee.username(), "业务部",
                masked, "启用", "从未登录");

        page.openReset(employee.username());
        assertThat(page.dialogTitle()).isEqualTo("激活/重置登录帐号");
        assertThat(page.loginMethodLabels()).containsExactly("通过手机号登录", "通过邮箱登录", "全部");
        assertThat(page.loginMethodEnabled("email")).as("the employee has no email address").isFalse();
        String password = page.chooseLoginMethod("all").sendSms().confirm();

        assertThat(password).hasSizeGreaterThanOrEqualTo(12);
        assertThat(page.onceNotice()).contains("只显示这一次");
        assertThat(page.smsResult()).isEqualTo("初始密码已通过短信发送至 " + masked + "。");
        assertThat(page.copy()).isEqualTo("已复制");
        assertThat(Sms.await(setup.gateway(), employee.phone(), "initial_password", 1).path("parameters").path("password").asText())
                .isEqualTo(password);
        page.close();
        assertThat(page.passwordFieldValue()).as("the password is shown once").isEmpty();
        assertThat(realm.users().get(employee.id()).toRepresentation().getRequiredActions()).containsExactly("UPDATE_PASSWORD");

        try (Browser own = new Browser("zh-CN", 1280, 800); OcqWebApp app = new OcqWebApp(keycloak)) {
            new LoginPage(own.driver()).open(app.authorizationUrl()).signIn(employee.username(), password);
            WebDriverWait wait = new WebDriverWait(own.driver(), Duration.ofSeconds(30));
            WebElement newPassword = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-new")));
            String chosen = "Employee-chose-" + employee.username();
            newPassword.sendKeys(chosen);
            own.driver().findElement(By.id("password-confirm")).sendKeys(chosen);
            newPassword.submit();
            assertThat(app.exchange(app.awaitCode(Duration.ofSeconds(30))).path("preferred_username").asText())
                    .isEqualTo(employee.username());
        }
    }

    @Test
    void anEmployeeWithoutAdminRightsSeesThatTheyMayNotManageAccounts(KeycloakRuntime keycloak, Browser browser) {
        Employee employee = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        browser.driver().get(pageUrl(keycloak));
        new LoginPage(browser.driver()).waitUntilShown().signIn(employee.username(), employee.password());

        assertThat(new AdminAccountsPage(browser.driver()).error()).isEqualTo("你没有管理员工帐号的权限。");
    }

    @Test
    void thePageComesInEnglishToo(KeycloakRuntime keycloak, Browser browser) {
        browser.driver().get(pageUrl(keycloak) + "?lang=en");
        new LoginPage(browser.driver()).waitUntilShown().signIn("xulu", ItConfig.DEMO_PASSWORD);
        AdminAccountsPage page = new AdminAccountsPage(browser.driver()).waitUntilListed();

        assertThat(page.htmlLang()).isEqualTo("en");
        assertThat(page.heading()).isEqualTo("Employee accounts");
        assertThat(page.columnHeaders()).contains("Name", "Department", "Mobile", "Last sign-in");
    }

    @Test
    void thePageAllowsOnlyItsOwnScriptsAndIsNeverCached(KeycloakRuntime keycloak) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(pageUrl(keycloak))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.body()).contains("src=\"" + pageUrl(keycloak) + "app.js\"").doesNotContain("https://");
    }
}
