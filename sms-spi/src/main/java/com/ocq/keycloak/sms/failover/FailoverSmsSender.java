package com.ocq.keycloak.sms.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

import com.ocq.keycloak.sms.SmsDispatcher;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsResult;
import com.ocq.keycloak.sms.SmsSenderProvider;

final class FailoverSmsSender implements SmsDispatcher {

    private static final Logger LOG = Logger.getLogger(FailoverSmsSender.class);

    private final KeycloakSession session;
    private final List<String> defaultOrder;
    private final ExecutorService executor;
    private final Duration deadline;
    private final Duration startDelay;

    FailoverSmsSender(KeycloakSession session, List<String> defaultOrder, ExecutorService executor, Duration deadline,
            Duration startDelay) {
        this.session = session;
        this.defaultOrder = defaultOrder;
        this.executor = executor;
        this.deadline = deadline;
        this.startDelay = startDelay;
    }

    @Override
    public String send(SmsMessage message) throws SmsException {
        return await(dispatch(message, defaultOrder, Duration.ZERO)).messageId();
    }

    @Override
    public SmsResult sendAndWait(SmsMessage message, List<String> order) throws SmsException {
        return await(dispatch(message, order, Duration.ZERO));
    }

    @Override
    public CompletableFuture<SmsResult> sendAsync(SmsMessage message, List<String> order) {
        return dispatch(message, order, startDelay);
    }

    private CompletableFuture<SmsResult> dispatch(SmsMessage message, List<String> order, Duration delay) {
        List<String> ids = order == null || order.isEmpty() ? defaultOrder : order;
        // Providers are created here, on the caller's thread, where the session (and its vault) is usable.
        List<FailoverChain.Attempt> attempts = new ArrayList<>();
        for (String id : ids) {
            if (id.equals(FailoverSmsSenderProviderFactory.PROVIDER_ID)) {
                continue;
            }
            try {
                SmsSenderProvider provider = session.getProvider(SmsSenderProvider.class, id);
                if (provider == null) {
                    LOG.warnf("SMS sender '%s' is not installed; skipped", id);
                } else {
                    attempts.add(new FailoverChain.Attempt(id, provider));
                }
            } catch (RuntimeException e) {
                LOG.warnf("SMS sender '%s' could not be set up (%s); skipped", id, e.getMessage());
            }
        }
        CompletableFuture<SmsResult> result = new CompletableFuture<>();
        if (attempts.isEmpty()) {
            result.completeExceptionally(SmsException.permanent("No SMS sender is available of " + ids, "NO_SENDER"));
            return result;
        }
        Runnable submit = () -> {
            try {
                executor.execute(() -> new FailoverChain(attempts).run(message, result));
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(SmsException.temporary("Too many SMS sends in progress", "BUSY", e));
            }
        };
        if (delay.isZero()) {
            submit.run();
        } else {
            // The JDK's delay scheduler only hands the send to the pool: no pool thread waits.
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(submit);
        }
        return result;
    }

    private SmsResult await(CompletableFuture<SmsResult> future) throws SmsException {
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SmsException sms) {
                throw sms;
            }
            throw SmsException.temporary("SMS send failed: " + e.getCause(), "ERROR", e.getCause());
        } catch (TimeoutException e) {
            throw SmsException.temporary("SMS send did not finish within " + deadline, "TIMEOUT", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SmsException.temporary("Interrupted while waiting for the SMS send", "INTERRUPTED", e);
        }
    }
}
