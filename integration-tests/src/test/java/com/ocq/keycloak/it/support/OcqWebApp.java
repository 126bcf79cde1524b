package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * Plays the OCQ web app: starts the sign-in the way the real app does (authorization code with
 * PKCE S256, public client {@code ocq-web}), receives the code on a loopback redirect URI and
 * exchanges it for tokens.
 */
public final class OcqWebApp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeycloakRuntime keycloak;
    private final HttpServer server;
    private final CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
    private final String verifier = random(48);
    private final String state = random(16);

    public OcqWebApp(KeycloakRuntime keycloak) {
        this.keycloak = keycloak;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/callback", exchange -> {
            callback.complete(query(exchange.getRequestURI().getRawQuery()));
            byte[] body = "<!doctype html><html lang=\"en\"><title>OCQ app</title><h1 id=\"ocq-app\">OCQ app callback</h1></html>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public String redirectUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
    }

    /** The URL the app sends the browser to. */
    public String authorizationUrl() {
        return authorizationUrl(keycloak, redirectUri(), state, challenge(verifier));
    }

    /**
     * The app's sign-in URL for a flow that never comes back to the app (忘记密码 ends on the
     * sign-in page): no callback server is started for it.
     */
    public static String signInUrl(KeycloakRuntime keycloak) {
        return authorizationUrl(keycloak, "http://127.0.0.1:9/callback", random(16), challenge(random(48)));
    }

    private static String authorizationUrl(KeycloakRuntime keycloak, String redirectUri, String state, String challenge) {
        return keycloak.realmUrl() + "/protocol/openid-connect/auth"
                + "?client_id=" + ItConfig.WEB_CLIENT
                + "&response_type=code&scope=openid"
                + "&redirect_uri=" + enc(redirectUri)
                + "&state=" + state
                + "&code_challenge=" + challenge + "&code_challenge_method=S256";
    }

    /**
     * The URL the app sends a signed-in employee to for an application-initiated action, for
     * example {@code UPDATE_PASSWORD} (修改密码).
     */
    public String authorizationUrl(String kcAction) {
        return authorizationUrl() + "&kc_action=" + enc(kcAction);
    }

    /** Waits for Keycloak to redirect back, checks the state, and returns the code. */
    public String awaitCode(Duration timeout) {
        Map<String, String> params = awaitRedirect(timeout);
        if (params.get("code") == null) {
            throw new IllegalStateException("No code in the redirect: " + params);
        }
        return params.get("code");
    }

    /** Waits for Keycloak to redirect back, checks the state, and returns the parameters (code, kc_action_status…). */
    public Map<String, String> awaitRedirect(Duration timeout) {
        Map<String, String> params;
        try {
            params = callback.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("No redirect back to the app within " + timeout, e);
        }
        if (!state.equals(params.get("state"))) {
            throw new IllegalStateException("State mismatch: " + params);
        }
        return params;
    }

    /** Exchanges the code (with the PKCE verifier) and returns the ID token's claims. */
    public JsonNode exchange(String code) {
        return claims(tokens(code).path("id_token").asText());
    }

    /** Exchanges the code (with the PKCE verifier) and returns the token response. */
    public JsonNode tokens(String code) {
        return tokenRequest("grant_type=authorization_code&client_id=" + ItConfig.WEB_CLIENT + "&code=" + enc(code)
                + "&redirect_uri=" + enc(redirectUri()) + "&code_verifier=" + verifier);
    }

    /** Uses a refresh token and returns the token response. */
    public JsonNode refresh(String refreshToken) {
        return tokenRequest("grant_type=refresh_token&client_id=" + ItConfig.WEB_CLIENT + "&refresh_token=" + enc(refreshToken));
    }

    /** The claims of a JWT, unverified (the test talks to the server directly). */
    public static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode tokenRequest(String form) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(keycloak.realmUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Token request failed: " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
