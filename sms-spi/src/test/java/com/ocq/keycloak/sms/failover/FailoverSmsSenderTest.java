package com.ocq.keycloak.sms.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.ocq.keycloak.sms.SmsDispatcher;
import com.ocq.keycloak.sms.SmsException;
import com.ocq.keycloak.sms.SmsMessage;
import com.ocq.keycloak.sms.SmsPurpose;
import com.ocq.keycloak.sms.SmsResult;
import com.ocq.keycloak.sms.SmsSenderProvider;
import com.ocq.keycloak.sms.testing.FakeSession;
import com.ocq.keycloak.sms.testing.MapScope;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class FailoverSmsSenderTest {

    private static final SmsMessage CODE = new SmsMessage("+8613900000101", SmsPurpose.VERIFICATION_CODE, Locale.SIMPLIFIED_CHINESE,
            Map.of("code", "123456"));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private FailoverSmsSenderProviderFactory factory;

    @BeforeEach
    void registerMeters() {
        Metrics.addRegistry(meters);
    }

    @AfterEach
    void tearDown() {
        Metrics.removeRegistry(meters);
        if (factory != null) {
            factory.close();
        }
    }

    private SmsDispatcher dispatcher(Map<String, String> options, Map<String, SmsSenderProvider> senders) {
        factory = new FailoverSmsSenderProviderFactory();
        factory.init(new MapScope(options));
        return (SmsDispatcher) factory.create(FakeSession.withSenders(senders));
    }

    /** A sender that answers with a fixed outcome and counts its calls. */
    private static final class Scripted implements SmsSenderProvider {
        final AtomicInteger calls = new AtomicInteger();
        final SmsException failure;

        Scripted(SmsException failure) {
            this.failure = failure;
        }

        @Override
        public String send(SmsMessage message) throws SmsException {
            calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return "msg-1";
        }
    }

    private double count(String sender, String outcome) {
        var counter = meters.find("ocq.sms.sends").tags("sender", sender, "outcome", outcome, "purpose", "verification_code").counter();
        return counter == null ? 0 : counter.count();
    }

    @Nested
    class Failover {

        @Test
        void givenATemporaryFailureThenTheNextSenderIsTriedAndItsResultReturned() throws SmsException {
            Scripted first = new Scripted(SmsException.temporary("HTTP 503", "HTTP_503", null));
            Scripted second = new Scripted(null);
            SmsResult result = dispatcher(Map.of("senders", "a,b"), Map.of("a", first, "b", second)).sendAndWait(CODE, List.of());

            assertThat(result).isEqualTo(new SmsResult("b", "msg-1", 2));
            assertThat(first.calls).hasValue(1);
            assertThat(count("a", "temporary")).isEqualTo(1);
            assertThat(count("b", "success")).isEqualTo(1);
        }

        @Test
        void givenAPermanentFailureThenNoOtherSenderIsTried() {
            Scripted first = new Scripted(SmsException.permanent("invalid number", "isv.MOBILE_NUMBER_ILLEGAL"));
            Scripted second = new Scripted(null);
            SmsDispatcher dispatcher = dispatcher(Map.of("senders", "a,b"), Map.of("a", first, "b", second));

            assertThatThrownBy(() -> dispatcher.sendAndWait(CODE, List.of()))
                    .isInstanceOfSatisfying(SmsException.class, e -> {
                        assertThat(e.isPermanent()).isTrue();
                        assertThat(e.getVendorCode()).isEqualTo("isv.MOBILE_NUMBER_ILLEGAL");
                        assertThat(e.getSender()).isEqualTo("a");
                    });
            assertThat(second.calls).hasValue(0);
        }

        @Test
        void givenAnUnconfiguredSenderThenTheNextOneStillDelivers() throws SmsException {
            Scripted unconfigured = new Scripted(SmsException.permanent("needs the option sign-name", "CONFIG"));
            SmsResult result = dispatcher(Map.of("senders", "a,b"), Map.of("a", unconfigured, "b", new Scripted(null)))
                    .sendAndWait(CODE, List.of());
            assertThat(result.sender()).isEqualTo("b");
        }

        @Test
        void givenEverySenderFailsTemporarilyThenTheLastFailureIsReported() {
            SmsDispatcher dispatcher = dispatcher(Map.of("senders", "a,b"), Map.of(
                    "a", new Scripted(SmsException.temporary("timeout", "TIMEOUT", null)),
                    "b", new Scripted(SmsException.temporary("HTTP 500", "HTTP_500", null))));
            assertThatThrownBy(() -> dispatcher.sendAndWait(CODE, List.of()))
                    .isInstanceOfSatisfying(SmsException.class, e -> {
                        assertThat(e.isPermanent()).isFalse();
                        assertThat(e.getSender()).isEqualTo("b");
                        assertThat(e.getVendorCode()).isEqualTo("HTTP_500");
                    });
        }

        @Test
        void givenASenderThatThrowsARuntimeExceptionThenItCountsAsTemporary() throws SmsException {
            SmsSenderProvider broken = m -> {
                throw new IllegalStateException("bug");
            };
            SmsResult result = dispatcher(Map.of("senders", "a,b"), Map.of("a", broken, "b", new Scripted(null)))
                    .sendAndWait(CODE, List.of());
            assertThat(result.sender()).isEqualTo("b");
        }

        @Test
        void givenAnExplicitOrderThenItReplacesTheConfiguredOne() throws SmsException {
            Scripted a = new Scripted(null);
            Scripted b = new Scripted(null);
            SmsResult result = dispatcher(Map.of("senders", "a"), Map.of("a", a, "b", b)).sendAndWait(CODE, List.of("b"));
            assertThat(result.sender()).isEqualTo("b");
            assertThat(a.calls).hasValue(0);
        }

        @Test
        void givenOnlyUnknownSendersThenTheFailureIsPermanent() {
            SmsDispatcher dispatcher = dispatcher(Map.of("senders", "nope"), Map.of());
            assertThatThrownBy(() -> dispatcher.sendAndWait(CODE, List.of()))
                    .isInstanceOfSatisfying(SmsException.class, e -> assertThat(e.getVendorCode()).isEqualTo("NO_SENDER"));
        }
    }

    @Nested
    class RequestThreadsStayFree {

        @Test
        void givenTheConcurrencyCapIsReachedThenTheNextSendFailsAtOnceAsBusy() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(2);
            SmsSenderProvider hanging = m -> {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "late";
            };
            SmsDispatcher dispatcher = dispatcher(Map.of("senders", "slow", "max-concurrent", "2", "queue", "0", "start-delay", "0"),
                    Map.of("slow", hanging));
            CompletableFuture<SmsResult> one = dispatcher.sendAsync(CODE, List.of());
            CompletableFuture<SmsResult> two = dispatcher.sendAsync(CODE, List.of());
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            long before = System.nanoTime();
            CompletableFuture<SmsResult> three = dispatcher.sendAsync(CODE, List.of());
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(1));
            assertThat(three).isCompletedExceptionally();
            assertThatThrownBy(three::join).hasCauseInstanceOf(SmsException.class)
                    .satisfies(e -> assertThat(((SmsException) e.getCause()).getVendorCode()).isEqualTo("BUSY"));

            release.countDown();
            assertThat(one.get(10, TimeUnit.SECONDS).messageId()).isEqualTo("late");
            assertThat(two.get(10, TimeUnit.SECONDS).messageId()).isEqualTo("late");
        }

        @Test
        void givenAStartDelayThenAFlowsSendStartsOnlyAfterItWhileAWaitingCallerSendsAtOnce() throws Exception {
            Scripted sender = new Scripted(null);
            SmsDispatcher dispatcher = dispatcher(Map.of("senders", "a", "start-delay", "300"), Map.of("a", sender));
            long asked = System.nanoTime();
            CompletableFuture<SmsResult> later = dispatcher.sendAsync(CODE, List.of());
            assertThat(sender.calls).as("nothing sent while the request is still answering").hasValue(0);
            later.get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(dispatcher.sendAndWait(CODE, List.of()).sender()).isEqualTo("a");
            assertThat(sender.calls).hasValue(2);
        }

        @Test
        void givenAHangingSenderThenAWaitingCallerGivesUpAtTheDeadline() {
            CountDownLatch never = new CountDownLatch(1);
            SmsSenderProvider hanging = m -> {
                try {
                    never.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "never";
            };
            SmsDispatcher dispatcher = dispatcher(Map.of("senders", "slow", "deadline", "1000"), Map.of("slow", hanging));
            long before = System.nanoTime();
            assertThatThrownBy(() -> dispatcher.sendAndWait(CODE, List.of()))
                    .isInstanceOfSatisfying(SmsException.class, e -> {
                        assertThat(e.isPermanent()).isFalse();
                        assertThat(e.getVendorCode()).isEqualTo("TIMEOUT");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
            never.countDown();
        }
    }

    @Test
    void givenOutOfRangeOptionsThenTheyAreClampedAndShownInServerInfo() {
        factory = new FailoverSmsSenderProviderFactory();
        factory.init(new MapScope(Map.of("senders", " aliyun , tencent ", "max-concurrent", "100000", "queue", "-5")));
        assertThat(factory.getOperationalInfo()).containsEntry("senders", "aliyun,tencent")
                .containsEntry("maxConcurrent", "256").containsEntry("queue", "0");
    }
}
