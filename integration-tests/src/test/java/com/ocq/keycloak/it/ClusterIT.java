package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.admin.client.resource.RealmResource;

import com.ocq.keycloak.it.support.ClusterNodes;
import com.ocq.keycloak.it.support.ClusterNodes.Node;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.Eventually;
import com.ocq.keycloak.it.support.Events;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.RealmSettings;
import com.ocq.keycloak.it.support.ResetFlowClient;
import com.ocq.keycloak.it.support.Sms;
import com.ocq.keycloak.sms.testing.FakeGateway;

/**
 * 忘记密码 on a two-node Keycloak cluster in production mode (see {@link ClusterNodes}), with no
 * sticky sessions: any request of a tab may land on either node. A code sent through one node is
 * checked through the other, a flow outlives the node that started it, and every limit holds
 * exactly when requests alternate or race across the nodes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    @RegisterExtension
    static final ClusterNodes CLUSTER = new ClusterNodes("cluster");

    private static final String CODE = "verification_code";
    private static final Duration SETTLE = Duration.ofMillis(1500);
    private static final int MAX_ATTEMPTS = 5;

    private static RealmResource realm(Node node) {
        return node.admin().realm(ItConfig.REALM);
    }

    private static Employee employee() {
        return Employees.create(realm(CLUSTER.a()));
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    /** A tab that asked, through {@code node}, for a code for {@code e}, and the code the phone got. */
    private record Asked(ResetFlowClient tab, String code) {
    }

    private static Asked ask(Node node, Employee e) {
        ResetFlowClient tab = new ResetFlowClient(node).via(node).start();
        assertThat(tab.submitAccount(e.phone()).body()).contains("ocq-sms-code-form");
        return new Asked(tab, Sms.code(Sms.await(CLUSTER.gateway(), e.phone(), CODE, 1)));
    }

    private static boolean signsIn(Node node, Employee e, String password) {
        ResetFlowClient tab = new ResetFlowClient(node).via(node);
        try {
            tab.openSignIn();
            tab.signIn(e.username(), password);
            return tab.reachedApp();
        } finally {
            tab.app().close();
        }
    }

    @Test
    @Order(1)
    void aCodeSentThroughOneNodeIsVerifiedThroughTheOtherAndTheNewPasswordWorksOnBoth() {
        Node a = CLUSTER.a();
        Node b = CLUSTER.b();
        Employee e = employee();
        Asked asked = ask(a, e);

        HttpResponse<String> newPassword = asked.tab().via(b).submitCode(asked.code());
        assertThat(newPassword.uri().getPort()).as("answered by node B").isEqualTo(URI.create(b.baseUrl()).getPort());
        assertThat(newPassword.body()).contains("ocq-new-password-form");
        assertThat(asked.tab().via(a).submitNewPassword("Cluster-pass-2026!").body()).contains("密码已重置");

        assertThat(signsIn(b, e, "Cluster-pass-2026!")).as("new password on node B").isTrue();
        assertThat(signsIn(a, e, "Cluster-pass-2026!")).as("new password on node A").isTrue();
        assertThat(signsIn(b, e, e.password())).as("old password on node B").isFalse();
        assertThat(Events.of(realm(b), e.id(), "UPDATE_PASSWORD")).hasSize(1);
    }

    @Test
    @Order(2)
    void theCooldownHeldOnOneNodeHoldsOnTheOther() {
        Employee e = employee();
        Asked asked = ask(CLUSTER.a(), e);

        HttpResponse<String> other = new ResetFlowClient(CLUSTER.b()).via(CLUSTER.b()).start().submitAccount(e.username());
        assertThat(other.body()).as("a new tab on node B gets the same page").contains("ocq-sms-code-form");
        assertThat(asked.tab().via(CLUSTER.b()).resend().body()).as("the first tab's resend through node B")
                .containsPattern("请在 \\d+ 秒后再获取验证码");
        assertThat(Sms.countAfter(CLUSTER.gateway(), e.phone(), CODE, SETTLE)).isEqualTo(1);
        Events.await(realm(CLUSTER.b()), e.id(), "SEND_RESET_PASSWORD_ERROR", ev -> "ocq_sms_cooldown".equals(ev.getError()), 5);
    }

    /**
     * The hourly cap per number, at 2: two sends the gateway refuses (each gives its cooldown back
     * at once, so no test has to wait it out) use up both slots, one through each node; a third
     * through either node is refused before the gateway. The cap is changed through node A's admin
     * API and node B obeys it too.
     */
    @Test
    @Order(3)
    void theHourlyCapPerNumberCountsTheSendsOfBothNodesExactly() {
        Employee e = employee();
        Map<String, String> before = RealmSettings.updateSmsConfig(realm(CLUSTER.a()), Map.of("ocq.send.perPhonePerHour", "2"));
        CLUSTER.gateway().answer(r -> r.body().contains(e.phone()) ? FakeGateway.Answer.json(503, "{\"error\":\"busy\"}")
                : FakeGateway.Answer.json(200, "{}"));
        try {
            List<Node> order = List.of(CLUSTER.a(), CLUSTER.b(), CLUSTER.a(), CLUSTER.b());
            for (int i = 0; i < order.size(); i++) {
                Node node = order.get(i);
                HttpResponse<String> page = new ResetFlowClient(node).via(node).start().submitAccount(e.phone());
                assertThat(page.body()).contains("ocq-sms-code-form");
                if (i < 2) {
                    int sent = i + 1;
                    Sms.await(CLUSTER.gateway(), e.phone(), CODE, sent);
                    // The failed send gave the cooldown back: then the next tab may send at once.
                    Eventually.until(() -> failures(e, "ocq_sms_send_failed"), n -> n >= sent, "send failure " + sent + " recorded");
                }
            }
            assertThat(Sms.countAfter(CLUSTER.gateway(), e.phone(), CODE, SETTLE)).as("messages that reached the gateway").isEqualTo(2);
            assertThat(failures(e, "ocq_sms_phone_hourly_limit")).as("sends refused by the hourly cap").isEqualTo(2);
        } finally {
            CLUSTER.gateway().answer(r -> FakeGateway.Answer.json(200, "{}"));
            RealmSettings.restoreSmsConfig(realm(CLUSTER.a()), before);
        }
    }

    private static long failures(Employee e, String error) {
        return Events.of(realm(CLUSTER.b()), e.id(), "SEND_RESET_PASSWORD_ERROR").stream().filter(ev -> error.equals(ev.getError()))
                .count();
    }

    @Test
    @Order(4)
    void fiveWrongCodesAlternatingBetweenTheNodesKillTheCode() {
        Employee e = employee();
        Asked asked = ask(CLUSTER.a(), e);
        ResetFlowClient tab = asked.tab();
        for (int i = 1; i < MAX_ATTEMPTS; i++) {
            Node node = CLUSTER.nodes().get(i % 2);
            assertThat(tab.via(node).submitCode(wrong(asked.code())).body()).as("wrong entry %d on node %s", i, node.id())
                    .contains("验证码错误");
        }
        assertThat(tab.via(CLUSTER.a()).submitCode(wrong(asked.code())).body()).as("fifth wrong entry").contains("错误次数过多");
        assertThat(tab.via(CLUSTER.b()).submitCode(asked.code()).body()).as("the right code afterwards on node B")
                .contains("验证码已失效").doesNotContain("ocq-new-password-form");
    }

    @Test
    @Order(5)
    void aCodeUsedThroughOneNodeIsNotAcceptedAgainThroughTheOther() {
        Employee e = employee();
        Asked asked = ask(CLUSTER.a(), e);
        ResetFlowClient tab = asked.tab();
        URI codeAction = tab.last().uri().resolve(tab.action("ocq-sms-code-form"));
        URI codeStep = withoutSessionCode(tab.last().uri());
        assertThat(tab.submitCode(asked.code()).body()).contains("ocq-new-password-form");

        // Before the password is set, a late copy of the accepted submission may still be let through
        // to 重置密码 (the tab passed); it never takes the tab back to the code step.
        HttpResponse<String> replay = tab.via(CLUSTER.b()).postTo(codeAction, Map.of("code", asked.code()));
        assertThat(replay.statusCode()).isLessThan(500);
        assertThat(replay.body()).as("the used code posted again through node B").doesNotContain("ocq-sms-code-form");
        assertThat(tab.reload().body()).as("the tab stands at 重置密码").contains("ocq-new-password-form");
        URI passwordAction = tab.last().uri().resolve(tab.action("ocq-new-password-form"));
        assertThat(tab.submitNewPassword("Used-once-2026!").body()).contains("密码已重置");
        assertThat(tab.via(CLUSTER.a()).postTo(passwordAction, Map.of("password-new", "Used-twice-2026!", "password-confirm",
                "Used-twice-2026!")).body()).as("the same form again through node A").doesNotContain("密码已重置");
        HttpResponse<String> late = tab.via(CLUSTER.b()).postTo(codeAction, Map.of("code", asked.code()));
        assertThat(late.statusCode()).isLessThan(500);
        assertThat(late.body()).as("the used code through node B, after the password was set").doesNotContain("ocq-new-password-form")
                .doesNotContain("密码已重置");
        // Back at the code step's address at once, while a late copy of the accepted submission
        // would still be let through to 重置密码: the tab starts over instead.
        assertThat(tab.via(CLUSTER.b()).get(codeStep).body()).as("the code step again, after the password was set")
                .contains("kc-reset-password-form").doesNotContain("ocq-new-password-form");
        assertThat(Events.of(realm(CLUSTER.a()), e.id(), "UPDATE_PASSWORD")).hasSize(1);
        assertThat(signsIn(CLUSTER.a(), e, "Used-once-2026!")).isTrue();
    }

    /** The step's address as Keycloak's refresh uses it: without the single-use session code. */
    private static URI withoutSessionCode(URI uri) {
        String query = java.util.Arrays.stream(uri.getRawQuery().split("&")).filter(p -> !p.startsWith("session_code="))
                .collect(java.util.stream.Collectors.joining("&"));
        return uri.resolve(uri.getRawPath() + "?" + query);
    }

    @Test
    @Order(6)
    void aHundredTabsAskingForOneNumberAtOnceOnBothNodesSendExactlyOneSms() {
        Employee e = employee();
        List<ResetFlowClient> tabs = ResetFlowClient.startTabs(100, i -> new ResetFlowClient(CLUSTER.nodes().get(i % 2))
                .via(CLUSTER.nodes().get(i % 2)));
        assertThat(ResetFlowClient.submitAccountAtOnce(tabs, e.national()))
                .allSatisfy(page -> assertThat(page.body()).contains("ocq-sms-code-form"));
        assertThat(Sms.countAfter(CLUSTER.gateway(), e.phone(), CODE, SETTLE)).isEqualTo(1);
    }

    /**
     * A hundred wrong codes at once, split over both nodes (Keycloak's single-use session codes turn
     * most copies away before the code check), then wrong codes alternating between the nodes until
     * the code dies: it dies at exactly the fifth wrong entry counted, wherever each was counted.
     */
    @Test
    @Order(7)
    void aHundredWrongCodesAtOnceOnBothNodesThenMoreAlternatingKillTheCodeAtExactlyTheFifth() {
        Employee e = employee();
        Asked asked = ask(CLUSTER.a(), e);
        ResetFlowClient tab = asked.tab();
        String wrong = wrong(asked.code());
        List<HttpResponse<String>> answers = tab.postConcurrently("ocq-sms-code-form", Map.of("code", wrong), 100, CLUSTER.nodes());
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.statusCode()).isLessThan(500);
            assertThat(a.body()).doesNotContain("ocq-new-password-form");
        });
        long counted = answers.stream().filter(a -> a.body().contains("验证码错误")).count();
        long killing = answers.stream().filter(a -> a.body().contains("错误次数过多")).count();
        System.out.printf("ClusterIT: 100 wrong codes at once over 2 nodes: %d wrong with tries left, %d killing the code, %d turned away%n",
                counted, killing, answers.size() - counted - killing);
        assertThat(counted).as("wrong entries leaving tries, in the race").isLessThanOrEqualTo(MAX_ATTEMPTS - 1);

        tab.via(CLUSTER.b()).reload();
        for (int i = 0; killing == 0 && i < MAX_ATTEMPTS; i++) {
            String page = tab.via(CLUSTER.nodes().get(i % 2)).submitCode(wrong).body();
            if (page.contains("错误次数过多")) {
                killing++;
            } else {
                assertThat(page).as("sequential wrong entry %d", i + 1).contains("验证码错误");
                counted++;
            }
        }
        assertThat(counted).as("wrong entries leaving tries, over both nodes").isEqualTo(MAX_ATTEMPTS - 1);
        assertThat(killing).as("entries told the code died").isPositive();
        List<String> reasons = Events.of(realm(CLUSTER.b()), e.id(), "RESET_PASSWORD_ERROR").stream()
                .map(ev -> ev.getDetails().get("reason")).toList();
        assertThat(reasons).as("recorded, over both nodes").filteredOn("wrong_code"::equals).hasSize(MAX_ATTEMPTS - 1);
        assertThat(reasons).filteredOn("too_many_wrong_codes"::equals).hasSize((int) killing);
        assertThat(tab.via(CLUSTER.a()).submitCode(asked.code()).body()).as("the right code afterwards")
                .contains("验证码已失效").doesNotContain("ocq-new-password-form");
    }

    /**
     * One tab's right code posted ten times at once, split over both nodes, then its new password
     * twenty times at once, split over both nodes: the code is used once, the tab stands at 重置密码
     * afterwards (no copy took it back to the code step), and the password changes once.
     */
    @Test
    @Order(8)
    void tenRightCodesThenTwentyNewPasswordsAtOnceOnBothNodesChangeThePasswordOnce() {
        Employee e = employee();
        Asked asked = ask(CLUSTER.a(), e);
        ResetFlowClient tab = asked.tab();
        List<HttpResponse<String>> answers = tab.postConcurrently("ocq-sms-code-form", Map.of("code", asked.code()), 10,
                CLUSTER.nodes());
        // Keycloak's single-use session codes turn most copies away before the code check; those
        // that race past it meet the code's atomic use. Never an error.
        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isLessThan(500));
        assertThat(answers.stream().filter(a -> a.body().contains("ocq-new-password-form"))).as("copies that reached 重置密码")
                .isNotEmpty();
        assertThat(tab.via(CLUSTER.b()).reload().body()).as("the tab, through node B, stands at 重置密码")
                .contains("ocq-new-password-form");

        String password = "Raced-pass-2026!";
        List<HttpResponse<String>> set = tab.postConcurrently("ocq-new-password-form",
                Map.of("password-new", password, "password-confirm", password), 20, CLUSTER.nodes());
        System.out.printf("ClusterIT: 10 right codes over 2 nodes: %d reached 重置密码; 20 new passwords: %d said 密码已重置, %d events%n",
                answers.stream().filter(a -> a.body().contains("ocq-new-password-form")).count(),
                set.stream().filter(a -> a.body().contains("密码已重置")).count(),
                Events.of(realm(CLUSTER.b()), e.id(), "UPDATE_PASSWORD").size());
        assertThat(set).allSatisfy(a -> assertThat(a.statusCode()).isLessThan(500));
        assertThat(set.stream().filter(a -> a.body().contains("密码已重置"))).as("copies that set the password").isNotEmpty();
        assertThat(Events.of(realm(CLUSTER.b()), e.id(), "UPDATE_PASSWORD")).as("password changes").hasSize(1);
        assertThat(signsIn(CLUSTER.a(), e, password)).isTrue();
    }

    /** Last: node A does not come back. */
    @Test
    @Order(100)
    void aFlowGoesOnAfterTheNodeThatStartedItDies() {
        Employee e = employee();
        Asked asked = ask(CLUSTER.a(), e);

        CLUSTER.a().kill();
        assertThat(CLUSTER.a().alive()).isFalse();

        ResetFlowClient tab = asked.tab().via(CLUSTER.b());
        assertThat(tab.submitCode(asked.code()).body()).as("the code on node B after node A died").contains("ocq-new-password-form");
        assertThat(tab.submitNewPassword("Survivor-pass-2026!").body()).contains("密码已重置");
        assertThat(signsIn(CLUSTER.b(), e, "Survivor-pass-2026!")).isTrue();
        assertThat(Events.of(realm(CLUSTER.b()), e.id(), "UPDATE_PASSWORD")).hasSize(1);
    }
}
