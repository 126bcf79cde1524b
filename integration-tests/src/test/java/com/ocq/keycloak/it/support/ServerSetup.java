package com.ocq.keycloak.it.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.ocq.keycloak.sms.testing.FakeGateway;

/**
 * What the shared test server is started with besides the realm: the loopback SMS gateway the
 * tests read codes from (the {@code http} sender, configured through an SPI option and, for its
 * secret, an environment variable holding a {@code ${vault.…}} reference that Keycloak's file
 * vault resolves, as the README documents), metrics on, and X-Forwarded-For trusted from the
 * loopback proxy the tests play.
 */
public record ServerSetup(FakeGateway gateway, String webhookSecret, List<String> options, Map<String, String> env) {

    public static final String GATEWAY_PATH = "/sms";

    static ServerSetup start(String gatewayHost) {
        return start(gatewayHost, null);
    }

    /** With a {@code vaultDir}, the webhook secret is a vault entry of realm ocq; without, a plain value. */
    static ServerSetup start(String gatewayHost, java.nio.file.Path vaultDir) {
        FakeGateway gateway = new FakeGateway();
        String secret = "it-webhook-" + UUID.randomUUID();
        String url = "http://" + gatewayHost + ":" + gateway.uri().getPort() + GATEWAY_PATH;
        List<String> options = new java.util.ArrayList<>(List.of("--spi-ocq-sms-sender--http--url=" + url,
                "--spi-ocq-sms-sender--failover--senders=http,log",
                "--metrics-enabled=true",
                // Tests stand for many employees behind one trusted proxy: X-Forwarded-For names the client.
                "--proxy-headers=xforwarded", "--proxy-trusted-addresses=127.0.0.1"));
        String secretOption = secret;
        if (vaultDir != null) {
            try {
                java.nio.file.Files.createDirectories(vaultDir);
                java.nio.file.Files.writeString(vaultDir.resolve(ItConfig.REALM + "_webhook-secret"), secret);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            options.add("--vault=file");
            options.add("--vault-dir=" + vaultDir);
            secretOption = "vault:webhook-secret";
        }
        return new ServerSetup(gateway, secret, List.copyOf(options), Map.of("KC_SPI_OCQ_SMS_SENDER__HTTP__SECRET", secretOption));
    }
}
