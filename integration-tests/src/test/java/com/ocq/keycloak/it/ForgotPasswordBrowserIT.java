package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.it.pages.ForgotPasswordPages;
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

/** 忘记密码 → 获取验证码 → 提交 → 重置密码 in real Chromium, in Chinese, as the seed walks it. */
@ExtendWith({KeycloakExtension.class, BrowserExtension.class})
class ForgotPasswordBrowserIT {

    @Test
    void anEmployeeRecoversThePasswordBySmsAndSignsInWithTheNewOne(KeycloakRuntime keycloak, ServerSetup setup, Browser browser) {
        Employee employee = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        try (OcqWebApp app = new OcqWebApp(keycloak)) {
            browser.driver().get(app.authorizationUrl());
            ForgotPasswordPages reset = new ForgotPasswordPages(browser.driver()).openFromLogin();
            assertThat(reset.title()).isEqualTo("找回密码");
            assertThat(reset.accountLabel()).contains("帐号");

            // The mobile number, typed the way people type it.
            String typed = employee.national().substring(0, 3) + " " + employee.national().substring(3, 7) + " "
                    + employee.national().substring(7);
            reset.requestCode(typed);
            String masked = employee.national().substring(0, 3) + "****" + employee.national().substring(7);
            assertThat(reset.destination()).contains("验证码已发送至 " + masked);
            assertThat(reset.codeField().getAttribute("autocomplete")).isEqualTo("one-time-code");
            assertThat(reset.codeField().getAttribute("inputmode")).isEqualTo("numeric");
            assertThat(reset.resendButton().isEnabled()).as("获取验证码 waits out the countdown").isFalse();
            assertThat(reset.resendButton().getText()).matches("重新获取（\\d+ 秒）");

            JsonNode sms = Sms.await(setup.gateway(), employee.phone(), "verification_code", 1);
            String code = Sms.code(sms);
            reset.submitCode(code.equals("000000") ? "111111" : "000000");
            assertThat(reset.codeError()).isEqualTo("验证码错误，请重新输入。");

            reset.submitCode(code);
            reset.setNewPassword("新的-密码-2026-长城", "新的-密码-2026-长城");
            assertThat(reset.loginMessage()).isEqualTo("密码已重置，请使用新密码登录。");
            Sms.await(setup.gateway(), employee.phone(), "password_changed", 1);

            new LoginPage(browser.driver()).signIn(employee.username(), "新的-密码-2026-长城");
            JsonNode idToken = app.exchange(app.awaitCode(Duration.ofSeconds(30)));
            assertThat(idToken.path("preferred_username").asText()).isEqualTo(employee.username());
        }
    }

    @Test
    void theNewPasswordMustMatchAndFollowThePolicy(KeycloakRuntime keycloak, ServerSetup setup, Browser browser) {
        Employee employee = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        try (OcqWebApp app = new OcqWebApp(keycloak)) {
            browser.driver().get(app.authorizationUrl());
            ForgotPasswordPages reset = new ForgotPasswordPages(browser.driver()).openFromLogin().requestCode(employee.username());
            assertThat(reset.destination()).as("no number shown when the account was not typed as one")
                    .startsWith("如果该帐号绑定了手机号码");
            reset.submitCode(Sms.code(Sms.await(setup.gateway(), employee.phone(), "verification_code", 1)));

            reset.setNewPassword("Another-pass-2026", "Another-pass-2027");
            assertThat(reset.newPasswordError()).contains("密码不匹配");
            reset.setNewPassword("password123", "password123");
            assertThat(reset.newPasswordError()).as("blocklisted").contains("该密码已经被拉黑");
            reset.setNewPassword(employee.password(), employee.password());
            assertThat(reset.newPasswordError()).as("the current password is in the history").contains("不能与前 3 个旧密码相同");
        }
    }

    @Test
    void theLanguageMenuSwitchesTheResetScreenToEnglishWithoutAnInlineHandler(KeycloakRuntime keycloak, Browser browser) {
        browser.driver().get(OcqWebApp.signInUrl(keycloak));
        ForgotPasswordPages reset = new ForgotPasswordPages(browser.driver()).openFromLogin();
        assertThat(reset.title()).isEqualTo("找回密码");
        org.openqa.selenium.WebElement menu = browser.driver().findElement(org.openqa.selenium.By.id("login-select-toggle"));
        assertThat(menu.getAttribute("onchange")).isNull();
        org.openqa.selenium.support.ui.Select languages = new org.openqa.selenium.support.ui.Select(menu);
        languages.getOptions().stream().filter(o -> o.getAttribute("value").contains("kc_locale=en")).findFirst()
                .orElseThrow(() -> new AssertionError("no English in the language menu")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                .until(d -> !reset.title().equals("找回密码"));
        assertThat(reset.title()).isNotEqualTo("找回密码").doesNotContainPattern("\\p{IsHan}");
    }
}
