package com.ocq.keycloak.it.support;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;

/** Settings of the OCQ realm that tests change through the admin API, as an admin would. */
public final class RealmSettings {

    public static final String RESET_FLOW = "ocq reset credentials";

    private RealmSettings() {
    }

    /**
     * Every test talks from 127.0.0.1: the per-IP limit goes to its maximum for the run so the
     * other limits can be tested one at a time (the IP limit's own test lowers it again). The
     * realm's daily budget too: LoadIT alone sends some 650 codes of it, and the budget's slots
     * stay taken for the day (its own test lowers it to 1).
     */
    static void forTests(RealmResource realm) {
        updateSmsConfig(realm, Map.of("ocq.send.perIpPerHour", "100", "ocq.send.realmDailyBudget", "1000000"));
    }

    /**
     * Changes options of the SMS-code step's config ("ocq-sms-code") and returns all the options
     * as they were, for {@link #restoreSmsConfig}.
     */
    public static Map<String, String> updateSmsConfig(RealmResource realm, Map<String, String> changes) {
        AuthenticatorConfigRepresentation config = smsConfig(realm);
        Map<String, String> before = new HashMap<>(config.getConfig());
        Map<String, String> after = new HashMap<>(before);
        after.putAll(changes);
        config.setConfig(after);
        realm.flows().updateAuthenticatorConfig(config.getId(), config);
        return before;
    }

    /** Puts back exactly the options {@link #updateSmsConfig} returned, dropping any added since. */
    public static void restoreSmsConfig(RealmResource realm, Map<String, String> before) {
        AuthenticatorConfigRepresentation config = smsConfig(realm);
        config.setConfig(new HashMap<>(before));
        realm.flows().updateAuthenticatorConfig(config.getId(), config);
    }

    private static AuthenticatorConfigRepresentation smsConfig(RealmResource realm) {
        String id = realm.flows().getExecutions(RESET_FLOW).stream()
                .filter(e -> "ocq-reset-sms-code".equals(e.getProviderId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("No SMS step in " + RESET_FLOW)).getAuthenticationConfig();
        return realm.flows().getAuthenticatorConfig(id);
    }
}
