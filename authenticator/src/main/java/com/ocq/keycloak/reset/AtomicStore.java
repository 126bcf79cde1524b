package com.ocq.keycloak.reset;

import java.util.Map;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * The few cluster-wide atomic operations the reset flow needs, as {@link SingleUseObjectProvider}
 * offers them; an interface so the counting logic is unit-tested without a server. Keys are
 * always prefixed {@value #PREFIX}.
 */
interface AtomicStore {

    String PREFIX = "ocq.sms.";

    /** True if the key was absent and is now held for {@code lifespanSeconds}. Atomic across the cluster. */
    boolean putIfAbsent(String key, long lifespanSeconds);

    boolean contains(String key);

    void put(String key, long lifespanSeconds, Map<String, String> notes);

    Map<String, String> get(String key);

    /** Removes and returns the entry; of concurrent callers exactly one gets it. */
    Map<String, String> remove(String key);

    static AtomicStore of(SingleUseObjectProvider provider) {
        return new AtomicStore() {
            @Override
            public boolean putIfAbsent(String key, long lifespanSeconds) {
                return provider.putIfAbsent(PREFIX + key, lifespanSeconds);
            }

            @Override
            public boolean contains(String key) {
                return provider.contains(PREFIX + key);
            }

            @Override
            public void put(String key, long lifespanSeconds, Map<String, String> notes) {
                provider.put(PREFIX + key, lifespanSeconds, notes);
            }

            @Override
            public Map<String, String> get(String key) {
                return provider.get(PREFIX + key);
            }

            @Override
            public Map<String, String> remove(String key) {
                return provider.remove(PREFIX + key);
            }
        };
    }
}
