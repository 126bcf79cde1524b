package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;

/**
 * A Keycloak this JVM started from a distribution on this machine: its bootstrap admin, its
 * admin client (made on first use) and the log file its output goes to.
 */
public abstract class LocalRuntime implements KeycloakRuntime {

    protected final Path logFile;
    private final String adminPassword;
    private volatile Keycloak admin;

    protected LocalRuntime(Path logFile, String adminPassword) {
        this.logFile = logFile;
        this.adminPassword = adminPassword;
    }

    @Override
    public Keycloak admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = KeycloakBuilder.builder().serverUrl(baseUrl()).realm("master").clientId("admin-cli")
                            .username(adminUsername()).password(adminPassword).build();
                }
            }
        }
        return admin;
    }

    @Override
    public String adminUsername() {
        return "admin";
    }

    @Override
    public String adminPassword() {
        return adminPassword;
    }

    @Override
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(server log unreadable: " + e + ")";
        }
    }

    /** Signs the admin client out, if there is one; a later {@link #admin()} makes a new one. */
    protected synchronized void closeAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
