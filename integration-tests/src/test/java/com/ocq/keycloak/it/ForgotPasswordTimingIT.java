package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;

import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.Events;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakExtension;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.RealmSettings;
import com.ocq.keycloak.it.support.ResetFlowClient;
import com.ocq.keycloak.it.support.ServerSetup;
import com.ocq.keycloak.it.support.Sms;
import com.ocq.keycloak.sms.testing.FakeGateway.Answer;

/**
 * No account enumeration by timing (SECURITY.md rule 9): the six kinds of account answer the
 * 忘记密码 account step in the same time, 200 samples each, measured interleaved, with the gateway
 * answering at once and with a gateway that takes 2 s (the SMS goes out off the request thread).
 *
 * <p>"The same time" is judged on paired differences: in every round each kind is measured once,
 * in shuffled order, and the median over the rounds of (kind − real account) may not exceed
 * {@value #TOLERANCE_MS} ms or a fifth of the real account's median: below what a network observer
 * can resolve and above the noise of a busy two-core machine, while a send on the request thread
 * (2 s) or a password hash (tens of ms) would be far outside it. Pairing within a round cancels the
 * machine's load drifting over the run.
 *
 * <p>Every account is in Keycloak's user cache when measured (the real ones are read once through
 * the admin API first): a never-seen account costs Keycloak a database read on any of its pages,
 * its own sign-in included; what is measured here is what the extension adds per kind.
 */
@ExtendWith(KeycloakExtension.class)
class ForgotPasswordTimingIT {

    private static final int SAMPLES = 200;
    private static final int WARM_UP = 20;
    private static final double TOLERANCE_MS = 5;
    private static final String CODE = "verification_code";

    enum Kind {
        REAL, UNKNOWN, DISABLED, NO_PHONE, THROTTLED, LOCKED
    }

    @Test
    void givenAnImmediateGatewayThenEveryKindOfAccountAnswersInTheSameTime(KeycloakRuntime keycloak, ServerSetup setup) {
        measure(keycloak, setup, Duration.ZERO);
    }

    @Test
    void givenAGatewayTakingTwoSecondsThenEveryKindOfAccountStillAnswersInTheSameTime(KeycloakRuntime keycloak,
            ServerSetup setup) {
        setup.gateway().answer(Answer.json(200, "{}").after(Duration.ofSeconds(2)));
        try {
            measure(keycloak, setup, Duration.ofSeconds(2));
        } finally {
            setup.gateway().answer(Answer.json(200, "{}"));
        }
    }

    private void measure(KeycloakRuntime keycloak, ServerSetup setup, Duration gatewayDelay) {
        RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
        // The throttled account stays throttled however long the run takes: its code is sent before
        // the run, then the cooldown refuses every send, and once the cooldown is over the hourly cap of one.
        Map<String, String> before = RealmSettings.updateSmsConfig(realm, Map.of("ocq.account.maxFailuresPerDay", "3",
                "ocq.send.realmDailyBudget", "1000000", "ocq.send.cooldown", "600", "ocq.send.perPhonePerHour", "1"));
        try {
            Accounts accounts = accounts(keycloak, setup, realm);
            Map<Kind, List<Double>> millis = new EnumMap<>(Kind.class);
            Map<Kind, List<Double>> paired = new EnumMap<>(Kind.class);
            Random order = new Random(42);
            List<Kind> kinds = new ArrayList<>(Arrays.asList(Kind.values()));
            for (int round = 0; round < WARM_UP + SAMPLES; round++) {
                Collections.shuffle(kinds, order);
                Map<Kind, Double> thisRound = new EnumMap<>(Kind.class);
                for (Kind kind : kinds) {
                    String account = accounts.typed().get(kind).apply(round);
                    ResetFlowClient tab = new ResetFlowClient(keycloak).start();
                    long start = System.nanoTime();
                    int status = tab.submitAccount(account).statusCode();
                    double ms = (System.nanoTime() - start) / 1e6;
                    assertThat(status).as(kind + " status").isEqualTo(200);
                    thisRound.put(kind, ms);
                }
                if (round >= WARM_UP) {
                    thisRound.forEach((kind, ms) -> {
                        millis.computeIfAbsent(kind, k -> new ArrayList<>()).add(ms);
                        paired.computeIfAbsent(kind, k -> new ArrayList<>()).add(ms - thisRound.get(Kind.REAL));
                    });
                }
            }
            report(gatewayDelay, millis, paired);
            accounts.assertEachWasOfItsKind(realm, setup);
            double real = percentile(millis.get(Kind.REAL), 50);
            double tolerance = Math.max(TOLERANCE_MS, real / 5);
            for (Kind kind : EnumSet.complementOf(EnumSet.of(Kind.REAL))) {
                assertThat(Math.abs(percentile(paired.get(kind), 50)))
                        .as("median of %s − real account per round (real median %.2f ms, gateway delay %s)", kind, real, gatewayDelay)
                        .isLessThanOrEqualTo(tolerance);
            }
        } finally {
            RealmSettings.restoreSmsConfig(realm, before);
        }
    }

    /**
     * Per kind, the account typed in round {@code n} ({@code typed}: all typed as usernames, as the page
     * takes them), and the employees behind the kinds that have one.
     */
    private record Accounts(Map<Kind, Function<Integer, String>> typed, List<Employee> real, Employee disabled, Employee noPhone,
            Employee throttled, Employee locked) {

        /**
         * What the server made of each kind, from the events it recorded and the messages the gateway
         * got: every real account was sent its code; the others were each refused for their reason,
         * every time, and nothing was sent to their numbers during the run.
         */
        void assertEachWasOfItsKind(RealmResource realm, ServerSetup setup) {
            for (Employee e : real) {
                assertThat(Events.of(realm, e.id(), "SEND_RESET_PASSWORD")).as("REAL %s: its code sent", e.username()).hasSize(1);
            }
            assertThat(Events.of(realm, disabled.id(), "RESET_PASSWORD_ERROR")).as("DISABLED").isNotEmpty()
                    .allSatisfy(ev -> assertThat(ev.getError()).isEqualTo("user_disabled"));
            assertRefused(realm, noPhone, 0, Set.of("no_allowed_mobile_number"));
            assertRefused(realm, throttled, 1, Set.of("ocq_sms_cooldown", "ocq_sms_phone_hourly_limit"));
            assertRefused(realm, locked, 1, Set.of("too_many_wrong_codes_today"));
            for (Employee e : List.of(disabled, throttled, locked)) {
                assertThat(Sms.countAfter(setup.gateway(), e.phone(), CODE, Duration.ZERO)).as("codes sent to %s", e.username())
                        .isEqualTo(e == throttled || e == locked ? 1 : 0);
            }
        }

        /** Every send for {@code e} after the {@code sentBefore} ones of the setup was refused, for one of {@code reasons}. */
        private static void assertRefused(RealmResource realm, Employee e, int sentBefore, Set<String> reasons) {
            assertThat(Events.of(realm, e.id(), "SEND_RESET_PASSWORD")).as("%s: codes sent", e.username()).hasSize(sentBefore);
            assertThat(Events.of(realm, e.id(), "SEND_RESET_PASSWORD_ERROR")).as("%s: refusals", e.username()).hasSizeGreaterThan(50)
                    .allSatisfy(ev -> assertThat(ev.getDetails().get("reason")).isIn(reasons));
        }
    }

    private static Accounts accounts(KeycloakRuntime keycloak, ServerSetup setup, RealmResource realm) {
        List<Employee> real = new ArrayList<>();
        for (int i = 0; i < WARM_UP + SAMPLES; i++) {
            Employee e = Employees.create(realm);
            realm.users().get(e.id()).toRepresentation();
            real.add(e);
        }
        Employee disabled = Employees.create(realm, u -> u.setEnabled(false));
        Employee noPhone = Employees.create(realm, u -> u.getAttributes().remove("phoneNumber"));
        Employee throttled = Employees.create(realm);
        new ResetFlowClient(keycloak).start().submitAccount(throttled.username());
        Sms.await(setup.gateway(), throttled.phone(), CODE, 1);
        Employee locked = Employees.create(realm);
        ResetFlowClient tab = new ResetFlowClient(keycloak).start();
        tab.submitAccount(locked.username());
        String code = Sms.code(Sms.await(setup.gateway(), locked.phone(), CODE, 1));
        for (int i = 0; i < 3; i++) {
            assertThat(tab.submitCode(ForgotPasswordLimitsIT.wrong(code)).body()).as("wrong code %d of the day", i + 1).contains("验证码错误");
        }
        String unknownPrefix = "nosuch" + Long.toString(System.nanoTime(), 36);
        Map<Kind, Function<Integer, String>> accounts = new EnumMap<>(Kind.class);
        accounts.put(Kind.REAL, n -> real.get(n).username());
        accounts.put(Kind.UNKNOWN, n -> unknownPrefix + n);
        accounts.put(Kind.DISABLED, n -> disabled.username());
        accounts.put(Kind.NO_PHONE, n -> noPhone.username());
        accounts.put(Kind.THROTTLED, n -> throttled.username());
        accounts.put(Kind.LOCKED, n -> locked.username());
        return new Accounts(accounts, real, disabled, noPhone, throttled, locked);
    }

    private static void report(Duration gatewayDelay, Map<Kind, List<Double>> millis, Map<Kind, List<Double>> paired) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%n忘记密码 account step, %d samples per kind, gateway delay %d ms:%n%-10s %8s %8s %8s %16s%n", SAMPLES,
                gatewayDelay.toMillis(), "kind", "p25 ms", "p50 ms", "p90 ms", "p50(kind-real)"));
        for (Kind kind : Kind.values()) {
            List<Double> m = millis.get(kind);
            out.append(String.format(Locale.ROOT, "%-10s %8.2f %8.2f %8.2f %16.2f%n", kind, percentile(m, 25), percentile(m, 50),
                    percentile(m, 90), percentile(paired.get(kind), 50)));
        }
        System.out.println(out);
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
