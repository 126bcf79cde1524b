package com.ocq.keycloak.sms;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The HTTP client every vendor sender uses: hard connect and whole-call timeouts, and transport
 * failures turned into temporary {@link SmsException}s. One instance per sender factory.
 */
public final class SmsHttp {

    /** Defaults of the issue: connect within 2 s, the whole call within 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration timeout;

    public SmsHttp(Duration connectTimeout, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.timeout = timeout;
    }

    /** Reads {@code connect-timeout} and {@code timeout} (milliseconds) from the sender's options. */
    public static SmsHttp from(SenderConfig config) {
        return new SmsHttp(
                config.millis("connect-timeout", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(100), Duration.ofSeconds(10)),
                config.millis("timeout", DEFAULT_TIMEOUT, Duration.ofMillis(200), Duration.ofSeconds(30)));
    }

    public Duration timeout() {
        return timeout;
    }

    /** A response as received; the caller decides what its status and body mean. */
    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        public boolean is2xx() {
            return status >= 200 && status < 300;
        }

        /** The body as a JSON object, or null when it is empty, not JSON or not an object. */
        public JsonNode jsonObject() {
            if (body == null || body.isBlank()) {
                return null;
            }
            try {
                JsonNode node = JSON.readTree(body);
                return node != null && node.isObject() ? node : null;
            } catch (JsonProcessingException e) {
                return null;
            }
        }
    }

    public Response post(URI uri, Map<String, String> headers, String contentType, String body) throws SmsException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return send(request.build());
    }

    public Response get(URI uri, Map<String, String> headers) throws SmsException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    private Response send(HttpRequest request) throws SmsException {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (HttpTimeoutException e) {
            throw SmsException.temporary("Gateway timed out (" + request.uri().getHost() + ")", "TIMEOUT", e);
        } catch (IOException e) {
            throw SmsException.temporary("Gateway unreachable (" + request.uri().getHost() + "): " + e.getClass().getSimpleName(),
                    "IO", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SmsException.temporary("Interrupted while sending", "INTERRUPTED", e);
        }
    }

    /** The usual meaning of an HTTP status when the body says nothing better. */
    public static SmsException statusFailure(String vendor, Response response) {
        int status = response.status();
        boolean temporary = status >= 500 || status == 429 || status == 408;
        String message = vendor + " answered HTTP " + status;
        return temporary ? SmsException.temporary(message, "HTTP_" + status, null)
                : SmsException.permanent(message, "HTTP_" + status);
    }
}
