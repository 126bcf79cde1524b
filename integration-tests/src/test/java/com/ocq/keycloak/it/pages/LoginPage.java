package com.ocq.keycloak.it.pages;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The OCQ sign-in page ({@code login.ftl} of the ocq theme). Waits for elements, never for URLs. */
public final class LoginPage {

    private final WebDriver driver;
    private final WebDriverWait wait;

    public LoginPage(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    public LoginPage open(String url) {
        driver.get(url);
        return waitUntilShown();
    }

    public LoginPage waitUntilShown() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));
        return this;
    }

    public String title() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-page-title"))).getText().strip();
    }

    public String header() {
        return driver.findElement(By.id("kc-header-wrapper")).getText().strip();
    }

    public String htmlLang() {
        return driver.findElement(By.tagName("html")).getAttribute("lang");
    }

    public String usernameLabel() {
        return driver.findElement(By.cssSelector("label[for='username']")).getText().strip();
    }

    /** The text of the 忘记密码 link under the password. */
    public String forgotPasswordLink() {
        return driver.findElement(By.cssSelector("#kc-form-login a[href*='reset-credentials']")).getText().strip();
    }

    public void signIn(String username, String password) {
        WebElement user = wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        user.clear();
        user.sendKeys(username);
        WebElement pass = driver.findElement(By.id("password"));
        pass.clear();
        pass.sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
    }

    /** The error shown after a failed sign-in. */
    public String error() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-error-username"))).getText().strip();
    }

    public boolean stylesheetLoaded(String fileName) {
        return !driver.findElements(By.cssSelector("link[rel='stylesheet'][href*='" + fileName + "']")).isEmpty();
    }
}
