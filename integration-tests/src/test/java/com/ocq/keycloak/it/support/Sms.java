package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ocq.keycloak.sms.testing.FakeGateway;

/** Reads what the loopback gateway received, as the phone would. */
public final class Sms {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sms() {
    }

    /** The messages of {@code purpose} (e.g. "verification_code") sent to {@code phone}, oldest first. */
    public static List<JsonNode> to(FakeGateway gateway, String phone, String purpose) {
        return gateway.requests().stream().map(r -> parse(r.body()))
                .filter(m -> phone.equals(m.path("to").asText()) && purpose.equals(m.path("purpose").asText())).toList();
    }

    /** Waits (at most 10 s) until {@code count} such messages arrived, and returns the last. */
    public static JsonNode await(FakeGateway gateway, String phone, String purpose, int count) {
        return Eventually.until(() -> to(gateway, phone, purpose), messages -> messages.size() >= count,
                "the gateway receiving " + count + " " + purpose + " message(s) for " + phone).get(count - 1);
    }

    /**
     * The number of such messages once the server had {@code settle} to send anything still on
     * its way (sends run off the request thread): for asserting that nothing more was sent.
     */
    public static int countAfter(FakeGateway gateway, String phone, String purpose, Duration settle) {
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return to(gateway, phone, purpose).size();
    }

    public static String code(JsonNode message) {
        return message.path("parameters").path("code").asText();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
