package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.it.pages.LoginPage;
import com.ocq.keycloak.it.support.Browser;
import com.ocq.keycloak.it.support.BrowserExtension;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.OcqWebApp;

/** A demo employee signs in to the OCQ web app on the ocq login page, in real Chromium. */
@ExtendWith({KeycloakExtension.class, BrowserExtension.class})
class EmployeeSignInIT {

    @Test
    void aDemoEmployeeSignsInThroughTheOcqAppOnTheChineseOcqPage(KeycloakRuntime keycloak, Browser browser) {
        try (OcqWebApp app = new OcqWebApp(keycloak)) {
            LoginPage login = new LoginPage(browser.driver()).open(app.authorizationUrl());

            assertThat(login.htmlLang()).isEqualTo("zh-CN");
            assertThat(login.header()).contains("OCQ 云智能管理");
            assertThat(login.title()).isEqualTo("登录");
            assertThat(login.stylesheetLoaded("ocq.css")).as("the ocq theme's stylesheet").isTrue();

            login.signIn("liusuqing", ItConfig.DEMO_PASSWORD);

            JsonNode idToken = app.exchange(app.awaitCode(Duration.ofSeconds(30)));
            assertThat(idToken.path("preferred_username").asText()).isEqualTo("liusuqing");
            assertThat(idToken.path("azp").asText()).isEqualTo(ItConfig.WEB_CLIENT);
        }
    }

    @Test
    void aPhoneOnlyDemoEmployeeSignsInWithTheMobileNumberAsPeopleTypeIt(KeycloakRuntime keycloak, Browser browser) {
        try (OcqWebApp app = new OcqWebApp(keycloak)) {
            LoginPage login = new LoginPage(browser.driver()).open(app.authorizationUrl());
            assertThat(login.usernameLabel()).isEqualTo("手机号/用户名/邮箱");
            assertThat(login.forgotPasswordLink()).isEqualTo("忘记密码");

            login.signIn("139 0000 0104", ItConfig.DEMO_PASSWORD); // 徐璐璐 signs in by mobile number only

            JsonNode idToken = app.exchange(app.awaitCode(Duration.ofSeconds(30)));
            assertThat(idToken.path("preferred_username").asText()).isEqualTo("xululu");
        }
    }

    @Test
    void aWrongPasswordShowsAChineseErrorAndNoCode(KeycloakRuntime keycloak, Browser browser) {
        try (OcqWebApp app = new OcqWebApp(keycloak)) {
            LoginPage login = new LoginPage(browser.driver()).open(app.authorizationUrl());
            login.signIn("huangtao", "not-the-password");
            assertThat(login.error()).isEqualTo("无效的用户名或密码。");
            assertThat(login.waitUntilShown().title()).isEqualTo("登录");
        }
    }

    @Test
    void anEmployeeMaySignInWithTheirEmail(KeycloakRuntime keycloak, Browser browser) {
        try (OcqWebApp app = new OcqWebApp(keycloak)) {
            new LoginPage(browser.driver()).open(app.authorizationUrl())
                    .signIn("yang.feng@ocq-demo.example", ItConfig.DEMO_PASSWORD);
            assertThat(app.exchange(app.awaitCode(Duration.ofSeconds(30))).path("preferred_username").asText())
                    .isEqualTo("yangfeng");
        }
    }
}
