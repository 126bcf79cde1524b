package com.ocq.keycloak.it.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.Response;

import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/** Fresh employees for tests that change accounts, each with a mobile number of its own. */
public final class Employees {

    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.currentTimeMillis() / 1000 % 50_000));

    private Employees() {
    }

    public record Employee(String id, String username, String phone, String password) {
        /** The national form people type: 139 0000 0101 → "13900000101". */
        public String national() {
            return phone.substring(3);
        }
    }

    public static Employee create(RealmResource realm) {
        return create(realm, user -> {
        });
    }

    /** An employee with whatever {@code customize} adds (an email, other attributes, more credentials). */
    public static Employee create(RealmResource realm, Consumer<UserRepresentation> customize) {
        int n = NEXT.incrementAndGet();
        String username = String.format("emp%06d", n); // 9 characters: longer than the policy's minimum length
        String phone = String.format("+86137%08d", n);
        // The realm's passwordBlacklist is a Bloom filter: about one password in ten thousand is a
        // false positive, so a refused one is drawn again (a suite creates several hundred).
        for (int attempt = 0;; attempt++) {
            String password = "Initial-pass-" + n + (attempt == 0 ? "" : "-" + attempt);
            UserRepresentation user = representation(username, phone, password);
            user.setFirstName("员工" + n);
            customize.accept(user);
            try (Response response = realm.users().create(user)) {
                if (response.getStatus() == 400) {
                    String error = response.readEntity(String.class);
                    if (attempt < 3 && error.contains("invalidPasswordBlacklistedMessage")) {
                        continue;
                    }
                    throw new IllegalStateException("The admin API refused employee " + username + ": " + error);
                }
                return new Employee(CreatedResponseUtil.getCreatedId(response), user.getUsername(), user.firstAttribute("phoneNumber"),
                        password);
            }
        }
    }

    /** An enabled employee signing in by any method, with {@code phone} as typed and a permanent password. */
    public static UserRepresentation representation(String username, String phone, String password) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setFirstName("员工");
        user.setLastName("测");
        user.setEnabled(true);
        user.setAttributes(new HashMap<>(Map.of("phoneNumber", List.of(phone), "loginMethods", List.of("all"))));
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(new ArrayList<>(List.of(credential)));
        return user;
    }

    /** What an admin does to hand over an account: a temporary password the employee must change at first sign-in. */
    public static Employee withInitialPassword(RealmResource realm, Employee employee) {
        // As in create: a password the blocklist's Bloom filter refuses by mistake is drawn again.
        for (int attempt = 0;; attempt++) {
            CredentialRepresentation initial = new CredentialRepresentation();
            initial.setType(CredentialRepresentation.PASSWORD);
            initial.setValue("Initial-" + employee.password() + (attempt == 0 ? "" : "-" + attempt));
            initial.setTemporary(true);
            try {
                realm.users().get(employee.id()).resetPassword(initial);
                return new Employee(employee.id(), employee.username(), employee.phone(), initial.getValue());
            } catch (BadRequestException e) {
                if (attempt >= 3 || !e.getResponse().readEntity(String.class).contains("invalidPasswordBlacklistedMessage")) {
                    throw e;
                }
            }
        }
    }
}
