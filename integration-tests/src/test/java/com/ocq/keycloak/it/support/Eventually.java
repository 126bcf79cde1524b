package com.ocq.keycloak.it.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls what the server does off the request thread (brute-force counts, stored events) until it shows. */
public final class Eventually {

    private Eventually() {
    }

    /** {@code read} again every 100 ms until {@code done} holds (at most 10 s); returns that value. */
    public static <T> T until(Supplier<T> read, Predicate<T> done, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        T value = read.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not within 10 s: " + what + "; last seen: " + value);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = read.get();
        }
        return value;
    }
}
