package com.ocq.keycloak.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Samples (milliseconds) and failure counts per metric, recorded by the Gatling flows of this JVM. */
final class Stats {

    private static final Map<String, ConcurrentLinkedQueue<Long>> SAMPLES = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();

    private Stats() {
    }

    static void record(String metric, long millis) {
        SAMPLES.computeIfAbsent(metric, k -> new ConcurrentLinkedQueue<>()).add(millis);
    }

    static volatile java.nio.file.Path failureDir;

    /** Counts a failed flow; the first few failures' last page goes to {@link #failureDir} for a look. */
    static void fail(String metric, String lastPage) {
        int n = FAILURES.computeIfAbsent(metric, k -> new AtomicInteger()).incrementAndGet();
        if (n <= 3 && failureDir != null && lastPage != null) {
            try {
                java.nio.file.Files.createDirectories(failureDir);
                java.nio.file.Files.writeString(failureDir.resolve(metric + "-" + n + ".html"), lastPage);
            } catch (java.io.IOException e) {
                // only a diagnostic
            }
        }
    }

    static int count(String metric) {
        ConcurrentLinkedQueue<Long> q = SAMPLES.get(metric);
        return q == null ? 0 : q.size();
    }

    static int failures(String metric) {
        AtomicInteger n = FAILURES.get(metric);
        return n == null ? 0 : n.get();
    }

    /** The nearest-rank percentile, NaN without samples. */
    static double percentile(String metric, double p) {
        ConcurrentLinkedQueue<Long> q = SAMPLES.get(metric);
        if (q == null || q.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(q);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static void clear(String metric) {
        SAMPLES.remove(metric);
        FAILURES.remove(metric);
    }
}
