package com.ocq.keycloak.reset;

/**
 * Counting with nothing but atomic put-if-absent: a limit of N events per window is N slot keys,
 * each held for the window from the moment it is claimed. Claiming tries the slots in order, so
 * every node of a cluster agrees and no limit can be passed, however requests race.
 */
final class Slots {

    private final AtomicStore store;

    Slots(AtomicStore store) {
        this.store = store;
    }

    /** Claims a free slot of {@code prefix}; false when all {@code limit} are held (the limit is reached). */
    boolean claim(String prefix, int limit, long windowSeconds) {
        for (int i = 1; i <= limit; i++) {
            if (store.putIfAbsent(prefix + ":" + i, windowSeconds)) {
                return true;
            }
        }
        return false;
    }

    /** True when all {@code limit} slots are held. */
    boolean full(String prefix, int limit) {
        for (int i = limit; i >= 1; i--) {
            if (!store.contains(prefix + ":" + i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Claims the next slot of a window that ends for all its slots at once (a daily budget): held
     * slots then always form a prefix 1..k, so the first free one is found by binary search in
     * O(log limit) reads, and claimed by put-if-absent from there.
     */
    boolean claimInFixedWindow(String prefix, int limit, long secondsLeftInWindow) {
        int low = 1;
        int high = limit + 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (store.contains(prefix + ":" + mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        for (int i = low; i <= limit; i++) {
            if (store.putIfAbsent(prefix + ":" + i, secondsLeftInWindow)) {
                return true;
            }
        }
        return false;
    }
}
