package com.ocq.keycloak.sms.failover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Environment;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

import com.ocq.keycloak.sms.SenderConfig;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.SmsSenderProviderFactory;
import com.ocq.keycloak.sms.Version;
import com.ocq.keycloak.sms.log.LogSmsSenderProviderFactory;

/**
 * The SPI's default provider {@value #PROVIDER_ID}: sends through an ordered list of senders on a
 * small pool of its own threads. A temporary failure tries the next sender, a permanent one stops;
 * at most {@code max-concurrent} sends run at once and at most {@code queue} wait, anything beyond
 * fails at once as temporary, so a slow or hanging gateway never ties up Keycloak's request threads.
 */
public final class FailoverSmsSenderProviderFactory implements SmsSenderProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "failover";

    private static final Logger LOG = Logger.getLogger(FailoverSmsSenderProviderFactory.class);

    private List<String> senders;
    private int maxConcurrent;
    private int queue;
    private Duration deadline;
    private Duration startDelay;
    private ExecutorService executor;

    @Override
    public void init(Config.Scope scope) {
        SenderConfig config = new SenderConfig(scope, PROVIDER_ID);
        senders = config.list("senders", List.of(LogSmsSenderProviderFactory.PROVIDER_ID));
        maxConcurrent = config.integer("max-concurrent", 16, 1, 256);
        queue = config.integer("queue", 64, 0, 10_000);
        // The longest a caller waits for one message over all its attempts.
        deadline = config.millis("deadline", Duration.ofSeconds(12), Duration.ofSeconds(1), Duration.ofMinutes(2));
        // Flows' sends start this long after the request asked for them, when its page is out:
        // the sending never shares the CPU with the answer, so it never shows in its timing.
        startDelay = config.millis("start-delay", Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(2));
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 60, TimeUnit.SECONDS,
                queue == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "ocq-sms-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        executor = pool;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        Set<String> known = factory.getProviderFactoriesStream(SmsSenderProvider.class)
                .map(f -> f.getId()).filter(id -> !PROVIDER_ID.equals(id)).collect(Collectors.toSet());
        for (String id : senders) {
            if (!known.contains(id)) {
                LOG.warnf("SMS sender '%s' is configured in spi-ocq-sms-sender--failover--senders but not installed; installed: %s",
                        id, known);
            }
        }
        if (senders.contains(LogSmsSenderProviderFactory.PROVIDER_ID) && !Environment.isDevMode()) {
            LOG.warn("*** SMS messages go to the development sender 'log' (server log) in a production server: "
                    + "no phone receives them. Set spi-ocq-sms-sender--failover--senders to your gateways. ***");
        }
    }

    @Override
    public SmsSenderProvider create(KeycloakSession session) {
        return new FailoverSmsSender(session, senders, executor, deadline, startDelay);
    }

    @Override
    public int order() {
        // The default provider of the SPI: callers use session.getProvider(SmsSenderProvider.class).
        return 100;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("version", Version.get(), "senders", String.join(",", senders),
                "maxConcurrent", String.valueOf(maxConcurrent), "queue", String.valueOf(queue),
                "startDelayMillis", String.valueOf(startDelay.toMillis()));
    }
}
