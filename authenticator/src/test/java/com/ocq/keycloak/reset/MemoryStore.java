package com.ocq.keycloak.reset;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory {@link AtomicStore} with its own clock, atomic like the cluster's. */
final class MemoryStore implements AtomicStore {

    private record Entry(long expiresAt, Map<String, String> notes) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    final AtomicLong now = new AtomicLong(1_000_000);

    void advance(long seconds) {
        now.addAndGet(seconds);
    }

    private Entry live(String key) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAt() <= now.get()) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanSeconds) {
        live(key);
        return entries.putIfAbsent(key, new Entry(now.get() + lifespanSeconds, Map.of())) == null;
    }

    @Override
    public boolean contains(String key) {
        return live(key) != null;
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        entries.put(key, new Entry(now.get() + lifespanSeconds, Map.copyOf(notes)));
    }

    @Override
    public Map<String, String> get(String key) {
        Entry e = live(key);
        return e == null ? null : e.notes();
    }

    @Override
    public Map<String, String> remove(String key) {
        live(key);
        Entry e = entries.remove(key);
        return e == null ? null : e.notes();
    }
}
