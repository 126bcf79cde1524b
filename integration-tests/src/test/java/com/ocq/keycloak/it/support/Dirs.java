package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory trees for the Keycloak homes the tests prepare. */
public final class Dirs {

    private Dirs() {
    }

    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Copies {@code from} to {@code to}, leaving out the top-level entries named in {@code skip}. */
    public static void copyTree(Path from, Path to, String... skip) throws IOException {
        java.util.Set<String> skipped = java.util.Set.of(skip);
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.filter(p -> p.equals(from) || !skipped.contains(from.relativize(p).getName(0).toString())).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
