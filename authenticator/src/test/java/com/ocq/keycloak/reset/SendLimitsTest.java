package com.ocq.keycloak.reset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.ocq.keycloak.reset.SendLimits.Refusal;

class SendLimitsTest {

    private static final String PHONE = "+8613900000101";

    private final MemoryStore store = new MemoryStore();
    private final SendLimits limits = new SendLimits(store);
    private final SmsCodeConfig defaults = SmsCodeConfig.DEFAULTS;

    private Optional<Refusal> send(String phone, String ip, SmsCodeConfig config) {
        return limits.acquire("realm", phone, ip, config, store.now.get());
    }

    @Test
    void givenASendThenASecondWithinTheCooldownIsRefusedAndAfterItAllowed() {
        assertThat(send(PHONE, "ip1", defaults)).isEmpty();
        store.advance(59);
        assertThat(send(PHONE, "ip1", defaults)).contains(Refusal.COOLDOWN);
        store.advance(1);
        assertThat(send(PHONE, "ip1", defaults)).isEmpty();
    }

    @Test
    void givenFiveSendsInAnHourThenTheSixthIsRefusedUntilTheHourPasses() {
        for (int i = 0; i < 5; i++) {
            assertThat(send(PHONE, "ip" + i, defaults)).isEmpty();
            store.advance(61);
        }
        assertThat(send(PHONE, "ip9", defaults)).contains(Refusal.PHONE_HOURLY);
        store.advance(3600);
        assertThat(send(PHONE, "ip9", defaults)).isEmpty();
    }

    @Test
    void givenTenSendsInADayThenTheEleventhIsRefused() {
        for (int i = 0; i < 10; i++) {
            assertThat(send(PHONE, "ip" + i, defaults)).as("send " + (i + 1)).isEmpty();
            store.advance(i % 5 == 4 ? 3601 : 61);
        }
        assertThat(send(PHONE, "ipX", defaults)).contains(Refusal.PHONE_DAILY);
    }

    @Test
    void givenManyNumbersFromOneIpThenTheEleventhIsRefused() {
        for (int i = 0; i < 10; i++) {
            assertThat(send("+861390000020" + i, "10.0.0.1", defaults)).isEmpty();
        }
        assertThat(send("+8613900000300", "10.0.0.1", defaults)).contains(Refusal.IP_HOURLY);
    }

    @Test
    void givenAnotherLimitRefusesThenTheNumbersCooldownIsNotTaken() {
        for (int i = 0; i < 10; i++) {
            assertThat(send("+861390000020" + i, "10.0.0.1", defaults)).isEmpty();
        }
        assertThat(send(PHONE, "10.0.0.1", defaults)).contains(Refusal.IP_HOURLY);
        assertThat(limits.coolingDown(PHONE)).isFalse();
        assertThat(send(PHONE, "10.0.0.2", defaults)).as("the owner, from elsewhere, at once").isEmpty();
        assertThat(limits.coolingDown(PHONE)).isTrue();
    }

    @Test
    void givenTheRealmBudgetIsSpentThenNothingMoreIsSentThatDay() {
        SmsCodeConfig tiny = SmsCodeConfig.from(Map.of(SmsCodeConfig.REALM_DAY, "3", SmsCodeConfig.IP_HOUR, "100"));
        for (int i = 0; i < 3; i++) {
            assertThat(send("+861390000040" + i, "ip", tiny)).isEmpty();
        }
        assertThat(send("+8613900000499", "ip", tiny)).contains(Refusal.REALM_BUDGET);
        store.advance(86_400);
        assertThat(send("+8613900000498", "ip", tiny)).isEmpty();
    }

    @Test
    void givenAHundredParallelSendsToOneNumberThenExactlyOneGoesOut() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Optional<Refusal>>> tasks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String ip = "ip" + i;
                tasks.add(() -> send(PHONE, ip, defaults));
            }
            int sent = 0;
            for (Future<Optional<Refusal>> f : pool.invokeAll(tasks)) {
                sent += f.get().isEmpty() ? 1 : 0;
            }
            assertThat(sent).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenAHundredParallelSendsAgainstABudgetOfTwentyThenExactlyTwentyGoOut() throws Exception {
        SmsCodeConfig budget = SmsCodeConfig.from(Map.of(SmsCodeConfig.REALM_DAY, "20", SmsCodeConfig.IP_HOUR, "100"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Optional<Refusal>>> tasks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String phone = String.format("+86139000%05d", i);
                tasks.add(() -> send(phone, "ip", budget));
            }
            int sent = 0;
            for (Future<Optional<Refusal>> f : pool.invokeAll(tasks)) {
                sent += f.get().isEmpty() ? 1 : 0;
            }
            assertThat(sent).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenConfigValuesOutOfBoundsThenTheyAreClamped() {
        SmsCodeConfig config = SmsCodeConfig.from(Map.of(SmsCodeConfig.TTL, "3600", SmsCodeConfig.MAX_ATTEMPTS, "0",
                SmsCodeConfig.COOLDOWN, "oops", SmsCodeConfig.REGIONS, "cn, hk, zz"));
        assertThat(config.ttlSeconds()).isEqualTo(600);
        assertThat(config.maxAttempts()).isEqualTo(1);
        assertThat(config.cooldownSeconds()).isEqualTo(60);
        assertThat(config.regions()).containsExactlyInAnyOrder("CN", "HK");
    }
}
