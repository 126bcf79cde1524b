package com.ocq.keycloak.it.support;

import java.util.List;

import org.keycloak.admin.client.Keycloak;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.MountableFile;

import dasniko.testcontainers.keycloak.KeycloakContainer;

/**
 * The official Keycloak image through Testcontainers, with the same jar and realm mounted. Chosen
 * with {@code -Docq.it.runtime=testcontainers}; without a Docker engine every test that needs it
 * is reported as skipped, never as passed.
 */
final class ContainerRuntime implements KeycloakRuntime {

    private final KeycloakContainer container;

    ContainerRuntime(ServerSetup setup) {
        requireDocker();
        org.testcontainers.Testcontainers.exposeHostPorts(setup.gateway().uri().getPort());
        String image = "quay.io/keycloak/keycloak:" + ItConfig.keycloakVersion();
        container = new KeycloakContainer(image)
                .withProviderLibsFrom(List.of(ItConfig.providerJar().toFile()))
                .withCopyFileToContainer(MountableFile.forHostPath(ItConfig.realmDir().resolve("ocq-realm.json")),
                        "/opt/keycloak/data/import/ocq-realm.json")
                .withCopyFileToContainer(MountableFile.forHostPath(ItConfig.realmDir().resolve("demo/ocq-users-0.json")),
                        "/opt/keycloak/data/import/ocq-users-0.json")
                .withCopyFileToContainer(MountableFile.forHostPath(ItConfig.realmDir().resolve("password-blacklists")),
                        "/opt/keycloak/data/password-blacklists")
                .withEnabledMetrics();
        // Appended to the container's own start-dev command line.
        container.withCustomCommand("--import-realm " + String.join(" ",
                setup.options().stream().filter(o -> !o.startsWith("--metrics")).toList()));
        setup.env().forEach(container::withEnv);
        container.start();
    }

    /** Aborts (skips) the caller with the reason when this machine has no Docker engine. */
    static void requireDocker() {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            available = false;
        }
        if (!available) {
            throw new TestAbortedException("Skipped: ocq.it.runtime=testcontainers needs a Docker engine and none answers "
                    + "on this machine; run with -Docq.it.runtime=distribution (the default) instead.");
        }
    }

    @Override
    public String baseUrl() {
        String url = container.getAuthServerUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String managementUrl() {
        return container.getMgmtServerUrl();
    }

    @Override
    public Keycloak admin() {
        return container.getKeycloakAdminClient();
    }

    @Override
    public String adminUsername() {
        return container.getAdminUsername();
    }

    @Override
    public String adminPassword() {
        return container.getAdminPassword();
    }

    @Override
    public String log() {
        return container.getLogs();
    }

    @Override
    public void close() {
        container.stop();
    }
}
