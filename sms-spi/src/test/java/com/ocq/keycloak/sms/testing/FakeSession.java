package com.ocq.keycloak.sms.testing;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.keycloak.models.KeycloakSession;

import com.ocq.keycloak.sms.SmsSenderProvider;

/** A KeycloakSession that only answers {@code getProvider(SmsSenderProvider.class, id)}. */
public final class FakeSession {

    private FakeSession() {
    }

    public static KeycloakSession withSenders(Map<String, SmsSenderProvider> senders) {
        return (KeycloakSession) Proxy.newProxyInstance(FakeSession.class.getClassLoader(), new Class<?>[] {KeycloakSession.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getProvider") && args != null && args.length == 2
                            && args[0] == SmsSenderProvider.class) {
                        return senders.get((String) args[1]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
