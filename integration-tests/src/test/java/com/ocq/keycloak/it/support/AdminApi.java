package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The admin REST API at the HTTP level, as curl would call it: tokens of realm users through
 * {@code admin-cli}, JSON in and out, every header visible to the test.
 */
public final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final KeycloakRuntime keycloak;

    public AdminApi(KeycloakRuntime keycloak) {
        this.keycloak = keycloak;
    }

    /** The token endpoint's answer for {@code username} of realm ocq (password grant of admin-cli). */
    public HttpResponse<String> passwordGrant(String username, String password) {
        return form(keycloak.realmUrl() + "/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", username, "password", password));
    }

    public HttpResponse<String> refresh(String refreshToken) {
        return form(keycloak.realmUrl() + "/protocol/openid-connect/token",
                Map.of("grant_type", "refresh_token", "client_id", "admin-cli", "refresh_token", refreshToken));
    }

    /** An access token of a realm user; fails the test when the user cannot get one. */
    public String token(String username, String password) {
        HttpResponse<String> response = passwordGrant(username, password);
        if (response.statusCode() != 200) {
            throw new AssertionError("No token for " + username + ": " + response.statusCode() + " " + response.body());
        }
        return json(response).path("access_token").asText();
    }

    /** The bootstrap admin's token (master realm). */
    public String masterToken() {
        return keycloak.admin().tokenManager().getAccessTokenString();
    }

    /** {@code POST /admin/realms/ocq/ocq/users/{id}/reset-account}. */
    public HttpResponse<String> resetAccount(String token, String userId, Object body) {
        return send("POST", "/admin/realms/" + ItConfig.REALM + "/ocq/users/" + userId + "/reset-account", token, body);
    }

    /** {@code GET /admin/realms/ocq/ocq/users?search=...}. */
    public HttpResponse<String> employees(String token, String search) {
        return send("GET", "/admin/realms/" + ItConfig.REALM + "/ocq/users?search=" + URLEncoder.encode(search, StandardCharsets.UTF_8),
                token, null);
    }

    /** Any admin API call: {@code path} from the server root, {@code body} serialised as JSON (a String is sent as is). */
    public HttpResponse<String> send(String method, String path, String token, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + path))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(30)).method(method, publisher);
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("Not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    private static HttpResponse<String> form(String url, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
