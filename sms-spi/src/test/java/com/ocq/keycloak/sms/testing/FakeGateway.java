package com.ocq.keycloak.sms.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server standing in for an SMS gateway: it records every request exactly as
 * received and answers what the test tells it to (a status and body, a delay, or never).
 */
public final class FakeGateway implements AutoCloseable {

    /** One request as the gateway received it; header names lower-cased. */
    public record Request(String method, String path, String rawQuery, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** What to answer. {@code delay} null means answer at once; {@link #NEVER} means hang until closed. */
    public record Answer(int status, String contentType, String body, Duration delay) {
        public static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, null);
        }

        public Answer after(Duration d) {
            return new Answer(status, contentType, body, d);
        }
    }

    public static final Duration NEVER = Duration.ofDays(1);

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Function<Request, Answer> answers = r -> Answer.json(200, "{}");

    public FakeGateway() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-gateway");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body);
            requests.add(request);
            Answer answer = answers.apply(request);
            try {
                if (answer.delay() != null && closed.await(answer.delay().toMillis(), TimeUnit.MILLISECONDS)) {
                    exchange.close();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
            if (answer.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            }
            try {
                exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
                if (bytes.length > 0) {
                    exchange.getResponseBody().write(bytes);
                }
            } catch (IOException e) {
                // the client gave up (timeout): nothing to answer
            }
            exchange.close();
        });
        server.start();
    }

    /** For example {@code http://127.0.0.1:41234}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public FakeGateway answer(Function<Request, Answer> answers) {
        this.answers = answers;
        return this;
    }

    public FakeGateway answer(Answer answer) {
        return answer(r -> answer);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Request lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("The gateway received no request");
        }
        return requests.get(requests.size() - 1);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
