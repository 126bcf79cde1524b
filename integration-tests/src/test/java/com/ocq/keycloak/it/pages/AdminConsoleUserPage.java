package com.ocq.keycloak.it.pages;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One user's details in Keycloak's admin console (the realm's own console, {@code /admin/<realm>/console/}),
 * where the user profile's fields are inputs named after their attributes.
 */
public final class AdminConsoleUserPage {

    private static final By PHONE = By.id("phoneNumber");

    private final WebDriver driver;
    private final WebDriverWait wait;

    public AdminConsoleUserPage(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    /** Opens the user's details, signing in on the realm's login page first if asked to. */
    public AdminConsoleUserPage open(String consoleUrl, String realm, String userId, String username, String password) {
        driver.get(consoleUrl);
        new LoginPage(driver).waitUntilShown().signIn(username, password);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='options-toggle']")));
        driver.get(consoleUrl + "#/" + realm + "/users/" + userId + "/settings");
        return waitUntilShown();
    }

    /** Waits until the form holds the user (React fills the inputs after loading it). */
    public AdminConsoleUserPage waitUntilShown() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(PHONE));
        wait.until(d -> !value(By.id("username")).isEmpty());
        return this;
    }

    /** Waits until the mobile-number field shows {@code expected} (the console reloads the user after saving). */
    public AdminConsoleUserPage awaitPhoneNumber(String expected) {
        wait.until(d -> expected.equals(value(PHONE)));
        return this;
    }

    public String phoneNumber() {
        return value(PHONE);
    }

    private String value(By input) {
        String value = driver.findElement(input).getDomProperty("value");
        return value == null ? "" : value;
    }

    public AdminConsoleUserPage typePhoneNumber(String phone) {
        WebElement field = wait.until(ExpectedConditions.elementToBeClickable(PHONE));
        field.clear();
        field.sendKeys(phone);
        return this;
    }

    public AdminConsoleUserPage save() {
        driver.findElement(By.cssSelector("[data-testid='user-creation-save']")).click();
        return this;
    }

    /** The error the console shows under the mobile-number field. */
    public String phoneNumberError() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".pf-v5-c-helper-text__item.pf-m-error"))).getText().strip();
    }

    /** The text of the toast the console shows after saving, once it appears. */
    public String toast(boolean success) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".pf-v5-c-alert." + (success ? "pf-m-success" : "pf-m-danger") + " .pf-v5-c-alert__title")))
                .getText().strip();
    }
}
