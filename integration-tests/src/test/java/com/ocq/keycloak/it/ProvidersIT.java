package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.info.ProviderRepresentation;
import org.keycloak.representations.info.ServerInfoRepresentation;
import org.keycloak.representations.info.SpiInfoRepresentation;

import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;

/** The one jar is loaded: the admin console's server info lists our SPI, providers and theme with the jar's version. */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvidersIT {

    private ServerInfoRepresentation info;
    private KeycloakRuntime keycloak;

    @BeforeAll
    void load(KeycloakRuntime keycloak) {
        this.keycloak = keycloak;
        info = keycloak.admin().serverInfo().getInfo();
    }

    @Test
    void theServerIsTheKeycloakWeBuildFor() {
        assertThat(info.getSystemInfo().getVersion()).isEqualTo(ItConfig.keycloakVersion());
    }

    @Test
    void theSmsSpiIsPublicAndHasTheDevelopmentSender() {
        SpiInfoRepresentation spi = info.getProviders().get("ocq-sms-sender");
        assertThat(spi).as("ocq-sms-sender SPI").isNotNull();
        assertThat(spi.isInternal()).isFalse();
        ProviderRepresentation log = spi.getProviders().get("log");
        assertThat(log).isNotNull();
        assertThat(log.getOperationalInfo()).containsEntry("version", ItConfig.projectVersion());
    }

    @Test
    void theAdminApiExtensionShowsTheJarVersion() {
        assertThat(info.getProviders().get("admin-realm-restapi-extension").getProviders().get("ocq").getOperationalInfo())
                .containsEntry("version", ItConfig.projectVersion());
    }

    @Test
    void keycloaksUpdatePasswordActionIsOcqs() {
        // Same id as Keycloak's own factory: the server keeps the one with the higher order().
        assertThat(info.getProviders().get("required-action").getProviders().get("UPDATE_PASSWORD").getOperationalInfo())
                .containsEntry("version", ItConfig.projectVersion());
    }

    @Test
    void theOcqLoginThemeIsInstalled() {
        assertThat(info.getThemes().get("login")).anySatisfy(theme -> assertThat(theme.getName()).isEqualTo("ocq"));
    }

    @Test
    void theServerLoggedNoWarningAboutOurProvidersBeyondKeycloaksInternalSpiNotice() {
        // Keycloak prints KC-SERVICES0047 for every provider of an SPI it marks internal (admin
        // resources, authenticators, required actions): it is a notice about Keycloak's API, not
        // about our configuration. Any other warning or error naming our code fails this test.
        java.util.List<String> startup = new java.util.ArrayList<>();
        for (String line : keycloak.log().lines().toList()) {
            startup.add(line);
            if (line.contains("started in")) {
                break;
            }
        }
        assertThat(startup.stream()
                .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                .filter(l -> l.contains("com.ocq") || l.contains("ocq-keycloak"))
                .filter(l -> !l.contains("KC-SERVICES0047")))
                .as("warnings about our extension").isEmpty();
    }
}
