package com.ocq.keycloak.it.support;

/** Starts a container runtime of its own, whatever {@code ocq.it.runtime} says (or skips the caller without Docker). */
public final class ContainerRuntimeProbe {

    private ContainerRuntimeProbe() {
    }

    public static KeycloakRuntime start() {
        return new ContainerRuntime(ServerSetup.start("host.testcontainers.internal"));
    }
}
