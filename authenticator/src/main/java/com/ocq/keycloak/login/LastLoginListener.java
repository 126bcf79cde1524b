package com.ocq.keycloak.login;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Writes {@value #ATTRIBUTE} (最近登录时间) on every successful sign-in, the {@code LOGIN} event,
 * in the transaction of the request that signs the user in: a sign-in that fails to commit leaves
 * no trace, and token refreshes and code exchanges (their own event types) write nothing.
 */
final class LastLoginListener implements EventListenerProvider {

    static final String ATTRIBUTE = "lastLoginTime";

    private final KeycloakSession session;
    private final ZoneId zone;

    LastLoginListener(KeycloakSession session, ZoneId zone) {
        this.session = session;
        this.zone = zone;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() != EventType.LOGIN || event.getError() != null || event.getUserId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user != null) {
            user.setSingleAttribute(ATTRIBUTE, format(event.getTime(), zone));
        }
    }

    /** ISO-8601 with the zone's offset, to the second: {@code 2026-05-21T20:44:12+08:00}. */
    static String format(long epochMillis, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).atZone(zone));
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
    }

    @Override
    public void close() {
    }
}
