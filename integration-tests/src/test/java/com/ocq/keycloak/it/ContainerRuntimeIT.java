package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.ocq.keycloak.it.support.ContainerRuntimeProbe;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakRuntime;

/**
 * The Testcontainers path (official image, our jar and realm mounted) exists and works where a
 * Docker engine does; without one this test is reported as skipped with the reason, never passed.
 * To run the whole suite that way: {@code ./test.sh -Docq.it.runtime=testcontainers}.
 */
class ContainerRuntimeIT {

    @Test
    void theOfficialImageServesTheOcqRealmWithOurJar() {
        try (KeycloakRuntime container = ContainerRuntimeProbe.start()) {
            assertThat(container.admin().realm(ItConfig.REALM).toRepresentation().getDisplayName()).isEqualTo("OCQ 云智能管理");
            assertThat(container.admin().serverInfo().getInfo().getProviders()).containsKey("ocq-sms-sender");
        }
    }
}
