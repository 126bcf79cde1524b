package com.ocq.keycloak.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** What Maven (failsafe) tells the tests: where the distribution, the jar and the realm are. */
public final class ItConfig {

    public static final String REALM = "ocq";
    public static final String WEB_CLIENT = "ocq-web";
    /** The development password of every demo employee (realm-export/src/main/realm/demo). */
    public static final String DEMO_PASSWORD = "ocq-demo-2026";

    private ItConfig() {
    }

    public static String runtime() {
        return System.getProperty("ocq.it.runtime", "distribution");
    }

    public static String keycloakVersion() {
        return required("ocq.keycloak.version");
    }

    public static Path keycloakHome() {
        return Path.of(required("ocq.keycloak.home"));
    }

    public static Path providerJar() {
        Path jar = Path.of(required("ocq.provider.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The provider jar is missing: " + jar + " (run 'mvn verify' from the root)");
        }
        return jar;
    }

    public static String projectVersion() {
        return required("ocq.project.version");
    }

    public static Path realmDir() {
        return Path.of(required("ocq.realm.dir"));
    }

    public static Path outputDir() {
        Path dir = Path.of(System.getProperty("ocq.it.output", "target/it-output"));
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + name + " is not set: run the tests through Maven (failsafe)");
        }
        return value;
    }
}
