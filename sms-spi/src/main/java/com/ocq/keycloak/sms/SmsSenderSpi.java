package com.ocq.keycloak.sms;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The public "ocq-sms-sender" SPI: one provider per SMS gateway. Other extensions may add vendors
 * by implementing {@link SmsSenderProviderFactory} and listing it in
 * {@code META-INF/services/com.ocq.keycloak.sms.SmsSenderProviderFactory}.
 */
public final class SmsSenderSpi implements Spi {

    public static final String NAME = "ocq-sms-sender";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return SmsSenderProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SmsSenderProviderFactory.class;
    }
}
