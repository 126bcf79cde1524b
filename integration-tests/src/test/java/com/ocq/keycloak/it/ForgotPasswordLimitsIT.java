package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.EventRepresentation;

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

/**
 * The cost limits of SECURITY.md rule 6 and the code lifetime of rule 2 on the live server: what
 * is refused is never sent, and the page never says which limit refused it.
 */
@ExtendWith(KeycloakExtension.class)
class ForgotPasswordLimitsIT {

    private static final String CODE = "verification_code";
    private static final Duration SETTLE = Duration.ofMillis(1500);

    /** A page with what differs between two accounts blanked: the typed account and the masked number. */
    private static String comparable(HttpResponse<String> page, String typed) {
        return ResetFlowClient.comparable(page.body(), typed).replaceAll("\\d{3}\\*{4}\\d{4}", "M");
    }

    @Test
    void givenEveryFormOfOneNumberThenTheyShareOneCooldown(KeycloakRuntime keycloak, ServerSetup setup) {
        Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        String n = e.national();
        List<String> forms = List.of(n, "+86 " + n.substring(0, 3) + "-" + n.substring(3, 7) + "-" + n.substring(7),
                "0086 " + n, "+86" + n, fullWidth(n), n.substring(0, 3) + " " + n.substring(3, 7) + " " + n.substring(7));
        String first = null;
        for (String typed : forms) {
            HttpResponse<String> page = new ResetFlowClient(keycloak).start().submitAccount(typed);
            assertThat(page.body()).as(typed).contains("ocq-sms-code-form").contains(mask(e.phone()));
            String same = comparable(page, typed);
            if (first == null) {
                first = same;
            }
            assertThat(same).as("the page for " + typed).isEqualTo(first);
        }
        assertThat(Sms.countAfter(setup.gateway(), e.phone(), CODE, SETTLE)).as("one SMS for six forms of one number").isEqualTo(1);
    }

    @Test
    void givenManyAccountsFromOneAddressThenTheAddressLimitStopsSendingAndOthersAreUnaffected(KeycloakRuntime keycloak,
            ServerSetup setup) {
        RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
        Map<String, String> before = RealmSettings.updateSmsConfig(realm, Map.of("ocq.send.perIpPerHour", "3"));
        try {
            String address = ResetFlowClient.newClientIp();
            List<Employee> employees = List.of(Employees.create(realm), Employees.create(realm), Employees.create(realm),
                    Employees.create(realm), Employees.create(realm));
            String firstPage = null;
            for (Employee e : employees) {
                HttpResponse<String> page = new ResetFlowClient(keycloak, address).start().submitAccount(e.phone());
                String same = comparable(page, e.phone());
                firstPage = firstPage == null ? same : firstPage;
                assertThat(same).as("every account's page from the address").isEqualTo(firstPage);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(Sms.countAfter(setup.gateway(), employees.get(i).phone(), CODE, i == 0 ? SETTLE : Duration.ZERO))
                        .as("employee " + (i + 1) + " from one address").isEqualTo(i < 3 ? 1 : 0);
            }
            Events.await(realm, employees.get(4).id(), "SEND_RESET_PASSWORD_ERROR", ev -> "ocq_sms_ip_limit".equals(ev.getError()), 5);

            Employee refused = employees.get(3);
            new ResetFlowClient(keycloak).start().submitAccount(refused.phone());
            Sms.await(setup.gateway(), refused.phone(), CODE, 1);
        } finally {
            RealmSettings.restoreSmsConfig(realm, before);
        }
    }

    @Test
    void givenTheRealmBudgetIsSpentThenNothingIsSentAndAnErrorEventTellsTheAdmin(KeycloakRuntime keycloak, ServerSetup setup) {
        RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
        Employee spender = Employees.create(realm);
        Employee late = Employees.create(realm);
        Map<String, String> before = RealmSettings.updateSmsConfig(realm, Map.of("ocq.send.realmDailyBudget", "1"));
        try {
            // Whether or not the suite already spent today's first message, after this one the budget of 1 is gone.
            new ResetFlowClient(keycloak).start().submitAccount(spender.phone());
            HttpResponse<String> page = new ResetFlowClient(keycloak).start().submitAccount(late.phone());
            assertThat(page.body()).contains("ocq-sms-code-form").contains(mask(late.phone()));
            assertThat(Sms.countAfter(setup.gateway(), late.phone(), CODE, SETTLE)).isZero();
            EventRepresentation event = Events.await(realm, late.id(), "SEND_RESET_PASSWORD_ERROR",
                    ev -> "ocq_sms_realm_budget_exhausted".equals(ev.getError()), 5);
            assertThat(event.getDetails()).containsEntry("ocq_phone", mask(late.phone()))
                    .containsEntry("reason", "ocq_sms_realm_budget_exhausted");
            assertThat(event.getDetails().toString()).doesNotContain(late.phone().substring(3));
        } finally {
            RealmSettings.restoreSmsConfig(realm, before);
        }
        new ResetFlowClient(keycloak).start().submitAccount(late.username());
        Sms.await(setup.gateway(), late.phone(), CODE, 1);
    }

    @Test
    void givenTheCooldownThenAResendIsRefusedWithTheSecondsLeftAndNothingIsSent(KeycloakRuntime keycloak, ServerSetup setup) {
        Employee e = Employees.create(keycloak.admin().realm(ItConfig.REALM));
        ResetFlowClient tab = new ResetFlowClient(keycloak).start();
        assertThat(tab.submitAccount(e.username()).body()).as("获取验证码 waits out the cooldown")
                .containsPattern("<button id=\"ocq-resend\"[^>]*data-ocq-countdown=\"[1-9]\\d*\"[^>]*\\sdisabled>"
                        + "重新获取（[1-9]\\d* 秒）</button>");
        Sms.await(setup.gateway(), e.phone(), CODE, 1);
        assertThat(tab.resend().body()).containsPattern("请在 \\d+ 秒后再获取验证码");
        assertThat(Sms.countAfter(setup.gateway(), e.phone(), CODE, SETTLE)).isEqualTo(1);
    }

    /**
     * What takes the passing of time, sharing one wait of the shortest lifetime and cooldown (30 s)
     * plus one second: a code past its lifetime, a code replaced by a newer one, the hourly and
     * daily caps per number, and the per-account failure count across codes.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AfterTime {

        private static final int SHORT = 30;

        private RealmResource realm;
        private ServerSetup setup;
        private Map<String, String> before;
        private Employee expiring;
        private ResetFlowClient expiringTab;
        private Employee replaced;
        private ResetFlowClient replacedTab;
        private Employee hourly;
        private ResetFlowClient hourlyTab;
        private Employee daily;
        private ResetFlowClient dailyTab;
        private Employee guesser;
        private ResetFlowClient guesserTab;

        @BeforeAll
        void sendCodesThenWait(KeycloakRuntime keycloak, ServerSetup setup) throws InterruptedException {
            this.realm = keycloak.admin().realm(ItConfig.REALM);
            this.setup = setup;
            before = RealmSettings.updateSmsConfig(realm, Map.of("ocq.code.ttl", String.valueOf(SHORT), "ocq.send.cooldown",
                    String.valueOf(SHORT)));
            expiring = Employees.create(realm);
            expiringTab = new ResetFlowClient(keycloak).start();
            expiringTab.submitAccount(expiring.phone());
            Sms.await(setup.gateway(), expiring.phone(), CODE, 1);

            RealmSettings.updateSmsConfig(realm, Map.of("ocq.code.ttl", "300", "ocq.account.maxFailuresPerDay", "3"));
            replaced = Employees.create(realm);
            replacedTab = start(keycloak, replaced);
            hourly = Employees.create(realm);
            hourlyTab = start(keycloak, hourly);
            daily = Employees.create(realm);
            dailyTab = start(keycloak, daily);
            guesser = Employees.create(realm);
            guesserTab = start(keycloak, guesser);
            String guesserCode = Sms.code(Sms.to(setup.gateway(), guesser.phone(), CODE).get(0));
            for (int i = 0; i < 2; i++) {
                assertThat(guesserTab.submitCode(wrong(guesserCode)).body()).contains("验证码错误");
            }
            Thread.sleep((SHORT + 1) * 1000L);
        }

        private ResetFlowClient start(KeycloakRuntime keycloak, Employee e) {
            ResetFlowClient tab = new ResetFlowClient(keycloak).start();
            tab.submitAccount(e.phone());
            Sms.await(setup.gateway(), e.phone(), CODE, 1);
            return tab;
        }

        @AfterAll
        void restore() {
            RealmSettings.restoreSmsConfig(realm, before);
        }

        @Test
        void givenTheLifetimeHasPassedThenTheCodeIsRejectedAsExpired() {
            String code = Sms.code(Sms.to(setup.gateway(), expiring.phone(), CODE).get(0));
            HttpResponse<String> page = expiringTab.submitCode(code);
            assertThat(page.body()).doesNotContain("ocq-new-password-form");
            assertThat(ResetFlowClient.fieldError(page, "code")).isEqualTo(ResetFlowClient.EXPIRED_CODE);
        }

        @Test
        void givenANewerCodeThenTheOlderOneIsRejectedAndTheNewerOneWorks() {
            String older = Sms.code(Sms.to(setup.gateway(), replaced.phone(), CODE).get(0));
            assertThat(replacedTab.resend().body()).contains("新的验证码已发送");
            String newer = Sms.code(Sms.await(setup.gateway(), replaced.phone(), CODE, 2));
            if (!newer.equals(older)) {
                HttpResponse<String> page = replacedTab.submitCode(older);
                assertThat(page.body()).doesNotContain("ocq-new-password-form");
                assertThat(ResetFlowClient.fieldError(page, "code")).isEqualTo(ResetFlowClient.WRONG_CODE);
            }
            assertThat(replacedTab.submitCode(newer).body()).contains("ocq-new-password-form");
        }

        @Test
        void givenTheHourlyCapThenAResendSendsNothingAndLooksLikeOneThatSent() {
            assertCapRefusesTheResend("ocq.send.perPhonePerHour", hourly, hourlyTab, "ocq_sms_phone_hourly_limit");
        }

        @Test
        void givenTheDailyCapThenAResendSendsNothingAndLooksLikeOneThatSent() {
            assertCapRefusesTheResend("ocq.send.perPhonePerDay", daily, dailyTab, "ocq_sms_phone_daily_limit");
        }

        /** With {@code cap} lowered to the one code already sent, the resend after the cooldown sends nothing. */
        private void assertCapRefusesTheResend(String cap, Employee e, ResetFlowClient tab, String error) {
            Map<String, String> during = RealmSettings.updateSmsConfig(realm, Map.of(cap, "1"));
            try {
                assertThat(tab.resend().body()).contains("新的验证码已发送");
                assertThat(Sms.countAfter(setup.gateway(), e.phone(), CODE, SETTLE)).isEqualTo(1);
                Events.await(realm, e.id(), "SEND_RESET_PASSWORD_ERROR", ev -> error.equals(ev.getError()), 5);
            } finally {
                RealmSettings.restoreSmsConfig(realm, during);
            }
        }

        @Test
        void givenWrongCodesAcrossAResendThenTheAccountCountKeepsCountingAndLocksRecovery() {
            assertThat(guesserTab.resend().body()).contains("新的验证码已发送");
            String newer = Sms.code(Sms.await(setup.gateway(), guesser.phone(), CODE, 2));
            assertThat(guesserTab.submitCode(wrong(newer)).body()).as("the third wrong code of the day").contains("验证码错误");
            HttpResponse<String> page = guesserTab.submitCode(newer);
            assertThat(page.body()).as("the right code of a locked account").doesNotContain("ocq-new-password-form");
            assertThat(ResetFlowClient.fieldError(page, "code")).as("told it is wrong, as any wrong code")
                    .isEqualTo(ResetFlowClient.WRONG_CODE);
        }
    }

    static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    static String mask(String e164) {
        String national = e164.substring(3);
        return national.substring(0, 3) + "****" + national.substring(7);
    }

    private static String fullWidth(String digits) {
        StringBuilder out = new StringBuilder();
        digits.chars().forEach(c -> out.append((char) (c - '0' + '０')));
        return out.toString();
    }
}
