package com.ocq.keycloak.it.pages;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** 修改密码 ({@code login-update-password.ftl} of the ocq theme). Waits for elements, never for URLs. */
public final class ChangePasswordPage {

    private final WebDriver driver;
    private final WebDriverWait wait;

    public ChangePasswordPage(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    public ChangePasswordPage waitUntilShown() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-passwd-update-form")));
        return this;
    }

    public String title() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-page-title"))).getText().strip();
    }

    public String label(String field) {
        return driver.findElement(By.cssSelector("label[for='" + field + "']")).getText().strip();
    }

    public WebElement field(String name) {
        return driver.findElement(By.id(name));
    }

    public boolean asksForTheCurrentPassword() {
        return !driver.findElements(By.cssSelector("#kc-passwd-update-form input[name='password']")).isEmpty();
    }

    public WebElement submitButton() {
        return driver.findElement(By.id("kc-submit"));
    }

    public boolean hasCancel() {
        return !driver.findElements(By.id("kc-cancel")).isEmpty();
    }

    /** The notice over the form (Keycloak's "you need to change your password" on a forced change). */
    public String notice() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".kc-feedback-text"))).getText().strip();
    }

    /** Types into the fields shown ({@code current} only where 原密码 is asked) and presses 修改. */
    public void change(String current, String password, String again, boolean signOutOtherDevices) {
        waitUntilShown();
        if (current != null) {
            type("password", current);
        }
        type("password-new", password);
        type("password-confirm", again);
        WebElement box = driver.findElement(By.id("logout-sessions"));
        if (box.isSelected() != signOutOtherDevices) {
            box.click();
        }
        submitButton().click();
    }

    /** The error under {@code field} after 修改. */
    public String error(String field) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-error-" + field))).getText().strip();
    }

    private void type(String id, String text) {
        WebElement field = wait.until(ExpectedConditions.elementToBeClickable(By.id(id)));
        field.clear();
        field.sendKeys(text);
    }
}
