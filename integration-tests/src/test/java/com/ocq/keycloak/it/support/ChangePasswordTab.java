package com.ocq.keycloak.it.support;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One browser tab at the HTTP level for 修改密码: signs in through the OCQ app, then follows the
 * app's link with {@code kc_action=UPDATE_PASSWORD} in the same SSO session and posts the form.
 */
public final class ChangePasswordTab implements AutoCloseable {

    public static final String FORM = "kc-passwd-update-form";
    public static final String ACTION = "UPDATE_PASSWORD";

    private final KeycloakRuntime keycloak;
    private final ResetFlowClient http;
    private OcqWebApp app;

    public ChangePasswordTab(KeycloakRuntime keycloak) {
        this.keycloak = keycloak;
        this.http = new ResetFlowClient(keycloak);
    }

    /** Whether the account signs in with {@code password} in a fresh tab. */
    public static boolean signsIn(KeycloakRuntime keycloak, String username, String password) {
        try (ChangePasswordTab tab = new ChangePasswordTab(keycloak)) {
            tab.signIn(username, password);
            return tab.backAtTheApp();
        }
    }

    /** The app's sign-in with this account; the answer is the app's callback page, or what Keycloak asks first. */
    public HttpResponse<String> signIn(String username, String password) {
        open(null);
        return submitSignIn(username, password);
    }

    /** Fills the sign-in page this tab shows. */
    public HttpResponse<String> submitSignIn(String username, String password) {
        return http.post("kc-form-login", Map.of("username", username, "password", password));
    }

    /** The app's 修改密码 link. */
    public HttpResponse<String> openChangePassword() {
        return open(ACTION);
    }

    /** The same page in another language, through the page's own language menu (e.g. "en"). */
    public HttpResponse<String> switchLanguage(String tag) {
        java.util.regex.Matcher option = java.util.regex.Pattern.compile("value=\"([^\"]*kc_locale=" + tag + ")\"").matcher(http.last().body());
        if (!option.find()) {
            throw new AssertionError("No language " + tag + " on the page");
        }
        return http.get(http.last().uri().resolve(option.group(1).replace("&amp;", "&")));
    }

    /** Fills the form: {@code current} null leaves 原密码 out of the post. */
    public HttpResponse<String> change(String current, String password, String confirm, boolean signOutOtherDevices) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (current != null) {
            fields.put("password", current);
        }
        fields.put("password-new", password);
        fields.put("password-confirm", confirm);
        if (signOutOtherDevices) {
            fields.put("logout-sessions", "on");
        }
        return http.post(FORM, fields);
    }

    public HttpResponse<String> change(String current, String password) {
        return change(current, password, password, false);
    }

    /** 取消 (Keycloak's cancel-aia). */
    public HttpResponse<String> cancel() {
        return http.post(FORM, Map.of("cancel-aia", ""));
    }

    /** The parameters of the redirect back to the app that started the last authorization (code, kc_action_status). */
    public Map<String, String> redirect() {
        return app.awaitRedirect(Duration.ofSeconds(10));
    }

    /** Whether the last answer is the app's callback page: Keycloak let the tab through. */
    public boolean backAtTheApp() {
        return http.last().body().contains("id=\"ocq-app\"");
    }

    public HttpResponse<String> last() {
        return http.last();
    }

    private HttpResponse<String> open(String kcAction) {
        close();
        app = new OcqWebApp(keycloak);
        return http.get(URI.create(kcAction == null ? app.authorizationUrl() : app.authorizationUrl(kcAction)));
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
