package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** What ops do to a stock Keycloak home, as the README says: the jar into providers/, the blocklist into data/. */
public final class KeycloakHomes {

    private KeycloakHomes() {
    }

    public static void installExtension(Path home) throws IOException {
        Path providers = home.resolve("providers");
        try (Stream<Path> old = Files.list(providers)) {
            for (Path p : old.filter(p -> p.getFileName().toString().startsWith("ocq-keycloak")).toList()) {
                Files.delete(p);
            }
        }
        Path jar = ItConfig.providerJar();
        Files.copy(jar, providers.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);

        Path blocklists = Files.createDirectories(home.resolve("data/password-blacklists"));
        try (Stream<Path> lists = Files.list(ItConfig.realmDir().resolve("password-blacklists"))) {
            for (Path list : lists.toList()) {
                Files.copy(list, blocklists.resolve(list.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
