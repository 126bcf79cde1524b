package com.ocq.keycloak.sms.log;

import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Environment;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsSenderProviderFactory;
import com.ocq.keycloak.sms.Version;

/**
 * The development sender: writes the masked number and the message text to the server log, so a
 * developer can finish a flow without a gateway. It must never be used in production; Keycloak
 * says so loudly at start when it runs outside dev mode.
 */
public final class LogSmsSenderProviderFactory implements SmsSenderProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "log";

    private static final Logger LOG = Logger.getLogger(LogSmsSenderProviderFactory.class);

    @Override
    public void init(Config.Scope config) {
        if (!Environment.isDevMode()) {
            LOG.warn("*** The development SMS sender 'log' is installed outside dev mode: if a flow uses it, "
                    + "SMS texts (verification codes included) go to the server log and no phone receives them. "
                    + "Configure a real gateway for production. ***");
        }
    }

    @Override
    public SmsSenderProvider create(KeycloakSession session) {
        return new LogSmsSender();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("version", Version.get(), "devMode", String.valueOf(Environment.isDevMode()));
    }
}
