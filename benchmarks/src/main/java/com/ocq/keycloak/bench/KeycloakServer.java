package com.ocq.keycloak.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A production-mode Keycloak as the README installs it: a copy of the stock distribution with the
 * jar in providers/ and the password blocklist in data/, {@code kc.sh build --db=postgres},
 * {@code kc.sh import}, {@code kc.sh start --optimized} on the local PostgreSQL, own database.
 */
final class KeycloakServer implements AutoCloseable {

    static final String DATABASE = "ocq_bench";
    static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/";

    final Path home;
    final Path logs;
    final String adminPassword = "bench-" + UUID.randomUUID();
    private Process process;
    private long pid;
    private String baseUrl;

    KeycloakServer(Path output) {
        this.home = output.resolve("keycloak");
        this.logs = output.resolve("logs");
    }

    void prepare(Path dist, Path providerJar, Path realmDir) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        run(List.of("rm", "-rf", home.toString()), Duration.ofMinutes(2));
        run(List.of("cp", "-a", dist.toString(), home.toString()), Duration.ofMinutes(2));
        run(List.of("rm", "-rf", home.resolve("data").toString()), Duration.ofMinutes(1));
        Files.copy(providerJar, home.resolve("providers").resolve(providerJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Path blocklists = Files.createDirectories(home.resolve("data/password-blacklists"));
        try (Stream<Path> lists = Files.list(realmDir.resolve("password-blacklists"))) {
            for (Path list : lists.toList()) {
                Files.copy(list, blocklists.resolve(list.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Db.admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)", "CREATE DATABASE " + DATABASE);
        kc("build", List.of("build", "--db=postgres", "--cache=local", "--health-enabled=true"));
    }

    void importRealm(Path file) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("import", "--optimized", "--file=" + file, "--http-management-port=" + freePort()));
        args.addAll(database());
        kc("import", args);
    }

    void start(List<String> options, Map<String, String> env) throws IOException, InterruptedException {
        int port = freePort();
        // "localhost": a secure context for Keycloak and for Gatling's cookie jar alike, so Keycloak's
        // Secure cookies come back over plain-http loopback as a browser would send them.
        baseUrl = "http://localhost:" + port;
        List<String> args = new ArrayList<>(List.of("start", "--optimized", "--hostname=" + baseUrl, "--http-enabled=true",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + freePort(),
                "--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1"));
        args.addAll(database());
        args.addAll(options);
        ProcessBuilder builder = command(args).redirectOutput(logs.resolve("server.log").toFile());
        builder.environment().putAll(env);
        process = builder.start();
        pid = javaPid(process);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited; see " + logs.resolve("server.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/ocq")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak did not start; see " + logs.resolve("server.log"));
    }

    String baseUrl() {
        return baseUrl;
    }

    long pid() {
        return pid;
    }

    /** utime + stime of the Keycloak JVM in clock ticks (/proc/<pid>/stat fields 14 and 15). */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime field 15
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> database() {
        return List.of("--db=postgres", "--db-url=" + POSTGRES_URL + DATABASE, "--db-username=postgres", "--db-password=unused-trust-auth");
    }

    private void kc(String name, List<String> args) throws IOException, InterruptedException {
        Path log = logs.resolve(name + ".log");
        Process p = command(args).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("kc.sh " + name + " did not finish; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("kc.sh " + name + " failed; see " + log + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private ProcessBuilder command(List<String> args) {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms1g -Xmx1g");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        return builder;
    }

    /** kc.sh either execs java or starts it as its child: the JVM's pid in both cases. */
    private static long javaPid(Process p) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (isJava(p.toHandle())) {
                return p.pid();
            }
            var child = p.toHandle().descendants().filter(KeycloakServer::isJava).findFirst();
            if (child.isPresent()) {
                return child.get().pid();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("No Keycloak JVM under " + p.pid());
    }

    private static boolean isJava(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("Failed: " + command);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
