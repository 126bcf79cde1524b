package com.ocq.keycloak.it.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.ocq.keycloak.sms.testing.FakeGateway;

/**
 * What the shared test server is started with besides the realm: the loopback SMS gateway the
 * tests read codes from (the {@code http} sender, configured through an SPI option and, for its
 * secret, an environment variable, as the README documents both), and metrics on.
 */
public record ServerSetup(FakeGateway gateway, String webhookSecret, List<String> options, Map<String, String> env) {

    public static final String GATEWAY_PATH = "/sms";

    static ServerSetup start(String gatewayHost) {
        FakeGateway gateway = new FakeGateway();
        String secret = "it-webhook-" + UUID.randomUUID();
        String url = "http://" + gatewayHost + ":" + gateway.uri().getPort() + GATEWAY_PATH;
        return new ServerSetup(gateway, secret,
                List.of("--spi-ocq-sms-sender--http--url=" + url,
                        "--spi-ocq-sms-sender--failover--senders=http,log",
                        "--metrics-enabled=true"),
                Map.of("KC_SPI_OCQ_SMS_SENDER__HTTP__SECRET", secret));
    }
}
