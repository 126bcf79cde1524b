package com.ocq.keycloak.it.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.EventRepresentation;

/** The realm's stored login events, as an admin reads them in the admin console. */
public final class Events {

    private Events() {
    }

    public static List<EventRepresentation> of(RealmResource realm, String userId, String type) {
        return realm.getEvents(List.of(type), null, userId, null, null, null, 0, 100);
    }

    /** Waits (at most {@code seconds}) for an event of {@code type} for the user matching {@code match}. */
    public static EventRepresentation await(RealmResource realm, String userId, String type, Predicate<EventRepresentation> match,
            int seconds) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(seconds));
        while (true) {
            for (EventRepresentation e : of(realm, userId, type)) {
                if (match.test(e)) {
                    return e;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("No " + type + " event for user " + userId + " within " + seconds + " s; there are: "
                        + of(realm, userId, type).stream().map(e -> e.getError() + " " + e.getDetails()).toList());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
