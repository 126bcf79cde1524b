package com.ocq.keycloak.it.pages;

import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The OCQ employee-accounts page ({@code /realms/ocq/ocq-admin/}) and its 重置帐号 dialog. Waits for elements. */
public final class AdminAccountsPage {

    private final WebDriver driver;
    private final WebDriverWait wait;

    public AdminAccountsPage(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    /** After sign-in: the employee list is shown. */
    public AdminAccountsPage waitUntilListed() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ocq-users")));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("ocq-status")));
        return this;
    }

    public String heading() {
        return driver.findElement(By.cssSelector(".ocq-title")).getText().strip();
    }

    public String htmlLang() {
        return driver.findElement(By.tagName("html")).getAttribute("lang");
    }

    public String signedInAs() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ocq-admin-user"))).getText().strip();
    }

    /** The error shown instead of the list (for example to someone who may not manage employees). */
    public String error() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ocq-error"))).getText().strip();
    }

    public List<String> columnHeaders() {
        return driver.findElements(By.cssSelector(".ocq-table th")).stream().map(e -> e.getText().strip()).toList();
    }

    /** Searches and waits until the row of {@code username} is the only one listed. */
    public AdminAccountsPage search(String text, String username) {
        WebElement field = driver.findElement(By.id("ocq-search"));
        field.clear();
        field.sendKeys(text);
        driver.findElement(By.cssSelector("#ocq-search-form button[type='submit']")).click();
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#ocq-user-rows tr"));
            return rows.size() == 1 && username.equals(rows.get(0).getAttribute("data-username"));
        });
        return this;
    }

    /** The cells of the row of {@code username}, in column order. */
    public List<String> row(String username) {
        return driver.findElements(By.cssSelector("#ocq-user-rows tr[data-username='" + username + "'] td")).stream()
                .map(e -> e.getText().strip()).toList();
    }

    /** Clicks 重置帐号 on the row of {@code username} and waits for the dialog. */
    public AdminAccountsPage openReset(String username) {
        driver.findElement(By.cssSelector("#ocq-user-rows tr[data-username='" + username + "'] button.ocq-reset")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ocq-reset-form")));
        return this;
    }

    public String dialogTitle() {
        return driver.findElement(By.id("ocq-reset-title")).getText().strip();
    }

    /** The labels of the sign-in method choices, in order. */
    public List<String> loginMethodLabels() {
        return driver.findElements(By.cssSelector(".ocq-methods label")).stream().map(e -> e.getText().strip()).toList();
    }

    public boolean loginMethodEnabled(String value) {
        return driver.findElement(By.id("ocq-method-" + value)).isEnabled();
    }

    public AdminAccountsPage chooseLoginMethod(String value) {
        driver.findElement(By.id("ocq-method-" + value)).click();
        return this;
    }

    public AdminAccountsPage sendSms() {
        WebElement box = driver.findElement(By.id("ocq-send-sms"));
        if (!box.isSelected()) {
            box.click();
        }
        return this;
    }

    /** 确定, then waits for the generated password and returns it. */
    public String confirm() {
        driver.findElement(By.id("ocq-reset-confirm")).click();
        WebElement password = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ocq-password")));
        wait.until(d -> !password.getDomProperty("value").isEmpty());
        return password.getDomProperty("value");
    }

    public String smsResult() {
        return driver.findElement(By.id("ocq-sms-result")).getText().strip();
    }

    public String onceNotice() {
        return driver.findElement(By.cssSelector("#ocq-reset-result .ocq-warning")).getText().strip();
    }

    /** Clicks 复制 and returns the button's text once it changed. */
    public String copy() {
        WebElement button = driver.findElement(By.id("ocq-copy"));
        String before = button.getText();
        button.click();
        wait.until(d -> !button.getText().equals(before));
        return button.getText().strip();
    }

    /** 关闭: the dialog closes and the password is gone from the page. */
    public AdminAccountsPage close() {
        driver.findElement(By.id("ocq-reset-close")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("ocq-reset-dialog")));
        return this;
    }

    public String passwordFieldValue() {
        return driver.findElement(By.id("ocq-password")).getDomProperty("value");
    }
}
