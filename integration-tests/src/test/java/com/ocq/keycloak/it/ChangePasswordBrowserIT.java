package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.ocq.keycloak.it.pages.ChangePasswordPage;
import com.ocq.keycloak.it.pages.LoginPage;
import com.ocq.keycloak.it.support.Browser;
import com.ocq.keycloak.it.support.BrowserExtension;
import com.ocq.keycloak.it.support.ChangePasswordTab;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.OcqWebApp;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;

/** 修改密码 in real Chromium, in Chinese: from the OCQ app, from the account console, and at the first sign-in. */
@ExtendWith({KeycloakExtension.class, BrowserExtension.class})
class ChangePasswordBrowserIT {

    private static final String NEW_PASSWORD = "修改-后的-密码-2026";

    private static RealmResource realm(KeycloakRuntime keycloak) {
        return keycloak.admin().realm(ItConfig.REALM);
    }


    @Test
    void anEmployeeChangesThePasswordFromTheOcqAppWithTheCurrentOne(KeycloakRuntime keycloak, ServerSetup setup, Browser browser) {
        Employee e = Employees.create(realm(keycloak));
        WebDriver driver = browser.driver();
        try (OcqWebApp signIn = new OcqWebApp(keycloak); OcqWebApp change = new OcqWebApp(keycloak)) {
            new LoginPage(driver).open(signIn.authorizationUrl()).signIn(e.username(), e.password());
            signIn.awaitCode(Duration.ofSeconds(30));

            driver.get(change.authorizationUrl(ChangePasswordTab.ACTION));
            ChangePasswordPage page = new ChangePasswordPage(driver).waitUntilShown();
            assertThat(page.title()).isEqualTo("修改密码");
            assertThat(page.label("password")).isEqualTo("原密码");
            assertThat(page.label("password-new")).isEqualTo("新密码");
            assertThat(page.label("password-confirm")).isEqualTo("确认新密码");
            assertThat(page.submitButton().getText().strip()).isEqualTo("修改");
            assertThat(page.field("password").getAttribute("autocomplete")).isEqualTo("current-password");
            assertThat(page.field("password-new").getAttribute("autocomplete")).isEqualTo("new-password");
            assertThat(page.field("password-confirm").getAttribute("autocomplete")).isEqualTo("new-password");
            assertThat(page.hasCancel()).isTrue();

            page.change("not-" + e.password(), NEW_PASSWORD, NEW_PASSWORD, false);
            assertThat(page.error("password")).isEqualTo("原密码错误。");

            page.change(e.password(), NEW_PASSWORD, NEW_PASSWORD + "x", false);
            assertThat(page.error("password-confirm")).isEqualTo("密码不匹配。");

            page.change(e.password(), NEW_PASSWORD, NEW_PASSWORD, false);
            Map<String, String> back = change.awaitRedirect(Duration.ofSeconds(30));
            assertThat(back).containsEntry("kc_action_status", "success");
        }
        Sms.await(setup.gateway(), e.phone(), "password_changed", 1);
        assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), NEW_PASSWORD)).isTrue();
    }

    @Test
    void theAccountConsolesPasswordUpdateLeadsToTheOcqScreen(KeycloakRuntime keycloak, ServerSetup setup, Browser browser) {
        Employee e = Employees.create(realm(keycloak));
        WebDriver driver = browser.driver();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        String account = keycloak.realmUrl() + "/account";

        new LoginPage(driver).open(account).signIn(e.username(), e.password());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='page-heading']")));
        driver.get(account + "/account-security/signing-in");
        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("[data-testid='password/credential-list'] [data-testrole='update']"))).click();

        ChangePasswordPage page = new ChangePasswordPage(driver).waitUntilShown();
        assertThat(page.title()).isEqualTo("修改密码");
        assertThat(page.label("password")).isEqualTo("原密码");
        page.change(e.password(), NEW_PASSWORD, NEW_PASSWORD, false);

        // Back in the account console.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='password/credential-list']")));
        Sms.await(setup.gateway(), e.phone(), "password_changed", 1);
        assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), NEW_PASSWORD)).isTrue();
        assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), e.password())).isFalse();
    }

    @Test
    void theFirstSignInWithAnInitialPasswordForcesTheChangeWithoutTheCurrentPassword(KeycloakRuntime keycloak, Browser browser) {
        Employee e = Employees.withInitialPassword(realm(keycloak), Employees.create(realm(keycloak)));

        try (OcqWebApp app = new OcqWebApp(keycloak)) {
            new LoginPage(browser.driver()).open(app.authorizationUrl()).signIn(e.username(), e.password());
            ChangePasswordPage page = new ChangePasswordPage(browser.driver()).waitUntilShown();
            assertThat(page.title()).isEqualTo("修改密码");
            assertThat(page.notice()).isEqualTo("您需要更新您的密码来激活您的账户。");
            assertThat(page.asksForTheCurrentPassword()).isFalse();
            assertThat(page.hasCancel()).isFalse();
            assertThat(page.label("password-new")).isEqualTo("新密码");

            page.change(null, "12345678", "12345678", false);
            assertThat(page.error("password-new")).contains("该密码已经被拉黑");

            page.change(null, NEW_PASSWORD, NEW_PASSWORD, false);
            assertThat(app.awaitCode(Duration.ofSeconds(30))).isNotBlank();
        }
        assertThat(ChangePasswordTab.signsIn(keycloak, e.username(), NEW_PASSWORD)).isTrue();
    }
}
