package com.ocq.keycloak.it.pages;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The three 忘记密码 screens: account, code, new password. Waits for elements, never for URLs. */
public final class ForgotPasswordPages {

    private final WebDriver driver;
    private final WebDriverWait wait;

    public ForgotPasswordPages(WebDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    private WebElement shown(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private void type(By by, String text) {
        WebElement field = wait.until(ExpectedConditions.elementToBeClickable(by));
        field.clear();
        field.sendKeys(text);
    }

    /** Presses a submit button and waits until its page is gone, so what is read next is the answer's. */
    private void submit(By button) {
        WebElement pressed = driver.findElement(button);
        pressed.click();
        wait.until(ExpectedConditions.stalenessOf(pressed));
    }

    /** From the sign-in page: the 忘记密码 link. */
    public ForgotPasswordPages openFromLogin() {
        shown(By.id("kc-form-login"));
        driver.findElement(By.cssSelector("a[href*='reset-credentials']")).click();
        shown(By.id("kc-reset-password-form"));
        return this;
    }

    public String title() {
        return shown(By.id("kc-page-title")).getText().strip();
    }

    public String accountLabel() {
        return driver.findElement(By.cssSelector("label[for='username']")).getText().strip();
    }

    /** Types the account and presses 获取验证码; waits for the code screen. */
    public ForgotPasswordPages requestCode(String account) {
        type(By.id("username"), account);
        submit(By.cssSelector("#kc-reset-password-form button[type='submit']"));
        shown(By.id("ocq-sms-code-form"));
        return this;
    }

    public String destination() {
        return shown(By.id("ocq-sms-destination")).getText().strip();
    }

    public WebElement resendButton() {
        return shown(By.id("ocq-resend"));
    }

    public WebElement codeField() {
        return shown(By.id("code"));
    }

    /** Types the code and presses 提交. */
    public void submitCode(String code) {
        type(By.id("code"), code);
        submit(By.id("ocq-submit-code"));
    }

    public String codeError() {
        return shown(By.id("input-error-code")).getText().strip();
    }

    /** Waits for the 重置密码 screen, types the password twice and presses 提交. */
    public void setNewPassword(String password, String again) {
        shown(By.id("ocq-new-password-form"));
        type(By.id("password-new"), password);
        type(By.id("password-confirm"), again);
        submit(By.id("ocq-submit-password"));
    }

    public String newPasswordError() {
        return shown(By.id("input-error-password-new")).getText().strip();
    }

    /** The message over the sign-in page after the reset. */
    public String loginMessage() {
        shown(By.id("kc-form-login"));
        return shown(By.cssSelector(".kc-feedback-text")).getText().strip();
    }
}
