package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;


/**
 * The stock Keycloak distribution from Maven Central (unpacked by Maven), with the built jar in
 * {@code providers/}, the OCQ realm and the demo employees imported, started in dev mode on free
 * loopback ports.
 */
final class DistributionRuntime extends LocalRuntime {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private final Process process;
    private final String baseUrl;

    private final String managementUrl;

    DistributionRuntime(ServerSetup setup) {
        super(ItConfig.outputDir().resolve("keycloak-server.log"), "it-" + UUID.randomUUID());
        Path home = ItConfig.keycloakHome();
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + home + " (Maven unpacks it in pre-integration-test)");
        }
        prepare(home);
        int httpPort = FreePorts.next();
        int managementPort = FreePorts.next();
        baseUrl = "http://127.0.0.1:" + httpPort;
        managementUrl = "http://127.0.0.1:" + managementPort;

        List<String> command = new ArrayList<>(List.of(
                "bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + httpPort,
                "--http-management-port=" + managementPort,
                "--import-realm"));
        command.addAll(setup.options());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", adminUsername());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword());
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
        builder.environment().putAll(setup.env());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopProcess, "stop-keycloak"));
        awaitReady();
    }

    /** A clean server every run: no database, import files and our jar as Maven built them. */
    private static void prepare(Path home) {
        try {
            Dirs.deleteTree(home.resolve("data"));
            KeycloakHomes.installExtension(home);

            Path realm = ItConfig.realmDir();
            Path imports = Files.createDirectories(home.resolve("data/import"));
            Files.copy(realm.resolve("ocq-realm.json"), imports.resolve("ocq-realm.json"));
            Files.copy(realm.resolve("demo/ocq-users-0.json"), imports.resolve("ocq-users-0.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + home, e);
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(realmUrl())).timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting:\n" + logTail(120));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(Duration.ofMillis(500));
        }
        stopProcess();
        throw new IllegalStateException("Keycloak did not serve realm " + ItConfig.REALM + " within " + STARTUP_TIMEOUT + ":\n" + logTail(120));
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public String managementUrl() {
        return managementUrl;
    }





    @Override
    public void close() {
        closeAdmin();
        stopProcess();
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
