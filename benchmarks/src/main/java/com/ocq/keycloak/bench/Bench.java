package com.ocq.keycloak.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ocq.keycloak.bench.BenchSimulation.Population;
import com.ocq.keycloak.sms.testing.FakeGateway;

import io.gatling.javaapi.core.ChainBuilder;

/**
 * The benchmark: one production-mode Keycloak with the jar on the local PostgreSQL, realm ocq
 * (our flows) and, on the same server, Keycloak's stock flows: client {@code bench-stock} in realm
 * ocq bound to the built-in {@code browser} flow with the stock login theme, and realm
 * {@code stock} (built-in flows, email reset through a loopback SMTP sink). Gatling drives every
 * phase from this JVM; CPU is the Keycloak JVM's utime+stime from /proc between a phase's start
 * and end, divided by the flows completed. Every phase is bounded (a number of flows, or a rate
 * for a duration). Options: {@code key=value} arguments, see {@link #DEFAULTS}.
 */
public final class Bench {

    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
    static {
        DEFAULTS.put("sizes", "1000,100000");          // users in realm ocq, one sign-in phase per size
        DEFAULTS.put("concurrency", "4");              // virtual users running sign-ins / resets at once
        DEFAULTS.put("signin.warmup", "150");          // flows per form before measuring, per size
        DEFAULTS.put("signin.flows", "300");           // measured flows per form per round
        DEFAULTS.put("rounds", "2");                   // stock, phone, username measured in turn, this many times
        DEFAULTS.put("reset.warmup", "40");            // reset flows per kind before measuring
        DEFAULTS.put("reset.flows", "150");            // measured reset flows per kind per round
        DEFAULTS.put("isolation.flows", "300");        // stock sign-ins per isolation phase
        DEFAULTS.put("isolation.rate", "10");          // reset requests per second during the gateway phases
        DEFAULTS.put("contention.clients", "100");     // clients asking for one number at once (and for as many numbers)
        DEFAULTS.put("stock.users", "1000");           // users of realm stock (each email reset uses one)
    }

    private static final String TEMPLATE = "bench-template";
    private static final String STOCK_CLIENT = "bench-stock";
    private static final String OCQ_CLIENT = "ocq-web";
    private static final int COOLDOWN_SECONDS = 60;
    private static final int PER_PHONE_PER_HOUR = 5;

    private final Map<String, String> options;
    private final Path output;
    private final long clockTicks;
    private final List<String> report = new ArrayList<>();
    private final List<String> verdicts = new ArrayList<>();
    private final Map<String, double[]> cpu = new HashMap<>(); // metric -> {ticks, flows}
    private KeycloakServer keycloak;
    private Gateway gateway;
    private SmtpSink sink;
    private Flows flows;
    private int resetNext;
    private int resetLast;
    private final AtomicInteger stockNext = new AtomicInteger(1);

    private Bench(Map<String, String> options) throws IOException, InterruptedException {
        this.options = options;
        this.output = Path.of(System.getProperty("bench.output", "target/bench"));
        this.clockTicks = Long.parseLong(exec("getconf", "CLK_TCK").strip());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(DEFAULTS);
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !DEFAULTS.containsKey(kv[0])) {
                throw new IllegalArgumentException("Unknown option " + arg + "; known: " + DEFAULTS.keySet());
            }
            options.put(kv[0], kv[1]);
        }
        int exit = new Bench(options).run();
        System.exit(exit);
    }

    private int integer(String key) {
        return Integer.parseInt(options.get(key));
    }

    private int run() throws Exception {
        Files.createDirectories(output);
        int[] sizes = Arrays.stream(options.get("sizes").split(",")).mapToInt(s -> Integer.parseInt(s.strip())).sorted().toArray();
        int largest = sizes[sizes.length - 1];
        // Sign-ins use users 1..signInPool; resets use numbers above it, each number once.
        int reserve = Math.min(largest / 2, 20_000);
        int signInPool = largest - reserve;
        resetNext = signInPool + 1;
        resetLast = largest;

        machine();
        Instant started = Instant.now();
        gateway = new Gateway();
        sink = new SmtpSink();
        keycloak = new KeycloakServer(output);
        try {
            log("Preparing Keycloak (build, import) in " + keycloak.home);
            keycloak.prepare(Path.of(System.getProperty("ocq.keycloak.home")), Path.of(System.getProperty("ocq.provider.jar")),
                    Path.of(System.getProperty("ocq.realm.dir")));
            keycloak.importRealm(Path.of(System.getProperty("ocq.realm.dir")).resolve("ocq-realm.json"));
            keycloak.start(List.of("--spi-ocq-sms-sender--failover--senders=http", "--spi-ocq-sms-sender--http--url=" + gateway.url()),
                    Map.of("KC_SPI_OCQ_SMS_SENDER__HTTP__SECRET", "bench-webhook-secret"));
            log("Keycloak pid " + keycloak.pid() + " at " + keycloak.baseUrl());
            BenchSimulation.baseUrl = keycloak.baseUrl();
            Stats.failureDir = output.resolve("failures");
            flows = new Flows(gateway, sink);
            configure(new Admin(keycloak.baseUrl(), keycloak.adminPassword));

            Db.cloneUsers("stock", TEMPLATE, 1, integer("stock.users"));
            int users = 0;
            for (int size : sizes) {
                int pool = size == largest ? signInPool : size;
                Db.cloneUsers("ocq", TEMPLATE, users + 1, size);
                users = size;
                signIn(size, pool);
                explain(size);
            }
            resets();
            isolation(signInPool);
            contention();
            limits();
        } finally {
            keycloak.close();
            gateway.close();
            sink.close();
            if (!"true".equals(System.getProperty("bench.keepDatabase"))) {
                Db.admin("DROP DATABASE IF EXISTS " + KeycloakServer.DATABASE + " WITH (FORCE)");
            }
        }
        report.add("");
        report.add("Run took " + Duration.between(started, Instant.now()).toMinutes() + " min; load average at the end: "
                + Files.readString(Path.of("/proc/loadavg")).strip());
        report.add("");
        report.add("## Targets");
        report.add("");
        report.addAll(verdicts);
        String text = String.join("\n", report) + "\n";
        Files.writeString(output.resolve("results.md"), text, StandardCharsets.UTF_8);
        System.out.println("\n==================== BENCHMARK RESULTS ====================\n" + text);
        System.out.println("(also in " + output.resolve("results.md") + ")");
        return 0;
    }

    // ---------------------------------------------------------------- setup

    private void machine() throws IOException, InterruptedException {
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst().orElse("?");
        report.add("## Machine and settings");
        report.add("");
        report.add("- date: " + Instant.now());
        report.add("- nproc: " + exec("nproc").strip() + "; " + mem.replaceAll("\\s+", " "));
        report.add("- JDK (Keycloak and Gatling): " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.add("- Keycloak 26.7.3 (keycloak-quarkus-dist), production mode (`start --optimized`, `--db=postgres --cache=local`), heap -Xms1g -Xmx1g");
        report.add("- PostgreSQL: " + exec("psql", "--version").strip() + " on 127.0.0.1, database " + KeycloakServer.DATABASE + " (dropped and recreated)");
        report.add("- Gatling 3.14.3 (Java DSL) in the benchmark JVM; options: " + options.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        report.add("- load average at the start: " + Files.readString(Path.of("/proc/loadavg")).strip());
        report.add("- busiest processes at the start (other work on the machine shares the CPUs; the CPU per flow counts only Keycloak's JVM):");
        report.add("");
        report.add("```");
        exec("ps", "-eo", "pid,pcpu,etime,comm", "--sort=-pcpu").lines().limit(8).forEach(report::add);
        report.add("```");
        report.add("");
    }

    private void configure(Admin admin) {
        // SMS limits as shipped, except the realm budget and the per-IP cap: flows come from 127.0.0.1
        // with their own X-Forwarded-For address anyway; the run sends a few thousand codes.
        JsonNode executions = admin.get("/ocq/authentication/flows/ocq%20reset%20credentials/executions");
        String configId = null;
        for (JsonNode e : executions) {
            if ("ocq-reset-sms-code".equals(e.path("providerId").asText())) {
                configId = e.path("authenticationConfig").asText();
            }
        }
        ObjectNode config = (ObjectNode) admin.get("/ocq/authentication/config/" + configId);
        ((ObjectNode) config.get("config")).put("ocq.send.realmDailyBudget", "1000000").put("ocq.send.perIpPerHour", "100");
        admin.put("/ocq/authentication/config/" + configId, config);
        report.add("- realm ocq as exported, SMS limits as shipped (cooldown " + COOLDOWN_SECONDS + " s, " + PER_PHONE_PER_HOUR
                + " codes per number per hour) except realm daily budget 1000000 and 100 codes per IP per hour; the `http` sender to a loopback fake gateway");

        String browserFlowId = null;
        for (JsonNode flow : admin.get("/ocq/authentication/flows")) {
            if ("browser".equals(flow.path("alias").asText())) {
                browserFlowId = flow.path("id").asText();
            }
        }
        if (browserFlowId == null) {
            throw new IllegalStateException("Realm ocq has no built-in 'browser' flow");
        }
        ObjectNode client = admin.object().put("clientId", STOCK_CLIENT).put("publicClient", true).put("standardFlowEnabled", true)
                .put("directAccessGrantsEnabled", false);
        client.putArray("redirectUris").add("http://127.0.0.1/*");
        client.putObject("attributes").put("login_theme", "keycloak.v2").put("pkce.code.challenge.method", "S256");
        client.putObject("authenticationFlowBindingOverrides").put("browser", browserFlowId);
        admin.post("/ocq/clients", client);
        report.add("- stock sign-in: client `" + STOCK_CLIENT + "` in realm ocq, browser flow overridden to Keycloak's built-in `browser`"
                + " (username/password form), login theme `keycloak.v2`; same users, same realm settings and event listeners");

        // Realm stock: what Keycloak makes of a new realm, with ocq's password policy and brute-force settings.
        JsonNode ocq = admin.get("/ocq");
        ObjectNode stock = admin.object().put("realm", "stock").put("enabled", true).put("resetPasswordAllowed", true)
                .put("loginWithEmailAllowed", true).put("eventsEnabled", ocq.path("eventsEnabled").asBoolean());
        for (String field : List.of("passwordPolicy", "bruteForceProtected", "permanentLockout", "failureFactor", "maxFailureWaitSeconds",
                "waitIncrementSeconds", "quickLoginCheckMilliSeconds", "minimumQuickLoginWaitSeconds", "maxDeltaTimeSeconds", "sslRequired")) {
            if (ocq.has(field)) {
                stock.set(field, ocq.get(field));
            }
        }
        stock.putArray("eventsListeners").add("jboss-logging");
        stock.putObject("smtpServer").put("host", "127.0.0.1").put("port", String.valueOf(sink.port())).put("from", "noreply@bench.example")
                .put("auth", "false").put("ssl", "false").put("starttls", "false");
        ArrayNode clients = stock.putArray("clients");
        ObjectNode stockClient = clients.addObject().put("clientId", STOCK_CLIENT).put("publicClient", true).put("standardFlowEnabled", true);
        stockClient.putArray("redirectUris").add("http://127.0.0.1/*");
        stockClient.putObject("attributes").put("pkce.code.challenge.method", "S256");
        admin.post("", stock);
        report.add("- stock email reset: realm `stock` (built-in `browser` and `reset credentials` flows, default theme), the password"
                + " policy and brute-force settings of realm ocq, SMTP to a loopback sink in the benchmark JVM");

        for (String realm : List.of("ocq", "stock")) {
            ObjectNode user = admin.object().put("username", TEMPLATE).put("enabled", true).put("email", "template@bench.example")
                    .put("emailVerified", true).put("firstName", "Bench").put("lastName", "Template");
            if (realm.equals("ocq")) {
                user.putObject("attributes").putArray("phoneNumber").add("+8613000000000");
                ((ObjectNode) user.get("attributes")).putArray("loginMethods").add("all");
            }
            user.putArray("credentials").addObject().put("type", "password").put("value", Flows.PASSWORD).put("temporary", false);
            admin.post("/" + realm + "/users", user);
        }
        report.add("- users: one template user per realm created through the admin API (password hashed by the realm's policy),"
                + " copied by SQL with its credential, attributes and role mappings: username u<i>, email u<i>@bench.example,"
                + " mobile number +86139<i as 8 digits>");
        report.add("- the server is addressed as http://localhost:<port> (a secure context for Keycloak and for Gatling's cookie jar);"
                + " every flow starts with an empty cookie jar and its own X-Forwarded-For address");
        report.add("");
    }

    // ---------------------------------------------------------------- a) sign-in

    private void signIn(int size, int pool) throws Exception {
        String k = label(size);
        IntSupplier pick = spread(pool);
        int conc = integer("concurrency");
        Map<String, Supplier<ChainBuilder>> forms = new LinkedHashMap<>();
        forms.put("stock", () -> flows.signIn("signin.stock." + k, "ocq", STOCK_CLIENT, pick, Db::username));
        forms.put("phone", () -> flows.signIn("signin.phone." + k, "ocq", OCQ_CLIENT, pick, Db::nationalPhone));
        forms.put("username", () -> flows.signIn("signin.username." + k, "ocq", OCQ_CLIENT, pick, Db::username));
        log("Sign-in with " + size + " users: warm-up");
        List<Population> warm = new ArrayList<>();
        forms.forEach((name, chain) -> warm.add(Population.closed("warmup-" + name, chain, conc, perUser(integer("signin.warmup"), conc))));
        gatling("signin-warmup-" + k, warm);
        forms.keySet().forEach(name -> Stats.clear("signin." + name + "." + k));
        forms.keySet().forEach(name -> Stats.clear("signin." + name + "." + k + ".post"));
        for (int round = 0; round < integer("rounds"); round++) {
            for (Map.Entry<String, Supplier<ChainBuilder>> form : forms.entrySet()) {
                String metric = "signin." + form.getKey() + "." + k;
                measure(metric, "signin-" + form.getKey() + "-" + k + "-" + round,
                        List.of(Population.closed(metric, form.getValue(), conc, perUser(integer("signin.flows"), conc))));
            }
        }
        // Latency: the three forms interleaved in one phase (each flow picks one at random), so that
        // whatever else runs on the machine weighs on all three alike; sequential phases measure CPU.
        log("Sign-in with " + size + " users: latency, forms interleaved");
        Supplier<ChainBuilder> mixed = () -> io.gatling.javaapi.core.CoreDsl.uniformRandomSwitch().on(
                flows.signIn("latency.stock." + k, "ocq", STOCK_CLIENT, pick, Db::username),
                flows.signIn("latency.phone." + k, "ocq", OCQ_CLIENT, pick, Db::nationalPhone),
                flows.signIn("latency.username." + k, "ocq", OCQ_CLIENT, pick, Db::username));
        gatling("signin-latency-" + k, List.of(Population.closed("latency." + k, mixed, conc,
                perUser(3 * integer("signin.flows") * integer("rounds"), conc))));

        report.add("## a) Sign-in, " + size + " users in realm ocq (flows spread over users 1.." + pool + ", a user at most once per " + pool + " flows)");
        report.add("");
        report.add("CPU: each form in phases of its own (" + integer("rounds") + " rounds of stock, phone, username, "
                + integer("signin.flows") + " flows each, " + conc + " at once, after " + integer("signin.warmup") + " warm-up flows per form):");
        report.add("");
        table(List.of("signin.stock." + k, "signin.phone." + k, "signin.username." + k),
                Map.of("signin.stock." + k, "stock form (built-in browser flow), username",
                        "signin.phone." + k, "OCQ form, mobile number (national form)",
                        "signin.username." + k, "OCQ form, username"));
        report.add("");
        report.add("Latency: the three forms interleaved in one phase (each flow picks a form at random, " + conc + " at once), so that"
                + " other load on the machine weighs on all three alike. One flow = the sign-in page (GET) + the form post answered"
                + " by the redirect with a code; `post` = the post alone.");
        report.add("");
        table(List.of("latency.stock." + k, "latency.phone." + k, "latency.username." + k),
                Map.of("latency.stock." + k, "stock form (built-in browser flow), username",
                        "latency.phone." + k, "OCQ form, mobile number (national form)",
                        "latency.username." + k, "OCQ form, username"));
        report.add("");
        for (String form : List.of("phone", "username")) {
            double ratio = cpuPerFlow("signin." + form + "." + k) / cpuPerFlow("signin.stock." + k);
            double p95 = Stats.percentile("latency." + form + "." + k, 95) - Stats.percentile("latency.stock." + k, 95);
            verdict(ratio <= 1.05 && p95 <= 5, String.format(Locale.ROOT, "%s sign-in, %d users: CPU %.3f× stock (target ≤ 1.05), p95 %+.0f ms vs stock (target ≤ +5 ms)",
                    form.equals("phone") ? "mobile-number" : "username", size, ratio, p95));
        }
    }

    private void explain(int size) throws Exception {
        // What JpaUserProvider.searchForUserByUserAttributeStream runs (named query
        // getRealmUsersByAttributeNameAndValue: "select u from UserEntity u join u.attributes attr
        // where u.realmId = :realmId and attr.name = :name and attr.value = :value"), as SQL, with
        // the realm's attribute name 'phoneNumber' and a number in the middle of the users.
        String realmId;
        try (var c = Db.connect(KeycloakServer.DATABASE)) {
            realmId = Db.single(c, "SELECT id FROM realm WHERE name = 'ocq'");
        }
        String sql = "EXPLAIN (ANALYZE, BUFFERS) SELECT u.* FROM user_entity u JOIN user_attribute a ON u.id = a.user_id"
                + " WHERE u.realm_id = ? AND a.name = ? AND a.value = ?";
        List<String> plan = Db.lines(sql, realmId, "phoneNumber", Db.phone(size / 2));
        report.add("");
        report.add("PostgreSQL plan of the mobile-number lookup with " + size + " users (`" + sql.replace("EXPLAIN (ANALYZE, BUFFERS) ", "")
                + "`, parameters realm id, 'phoneNumber', '" + Db.phone(size / 2).substring(0, 6) + "…'):");
        report.add("");
        report.add("```");
        report.addAll(plan);
        report.add("```");
        report.add("");
        boolean index = plan.stream().anyMatch(l -> l.contains("Index Scan") && l.contains("user_attribute"))
                && plan.stream().noneMatch(l -> l.contains("Seq Scan on user_attribute"));
        verdict(index, "mobile-number lookup with " + size + " users uses an index scan on user_attribute (no sequential scan)");
    }

    // ---------------------------------------------------------------- b) resets

    private void resets() throws Exception {
        int conc = integer("concurrency");
        IntSupplier ocqUser = this::nextResetUser;
        IntSupplier stockUser = () -> {
            int i = stockNext.getAndIncrement();
            if (i > integer("stock.users")) {
                throw new IllegalStateException("Realm stock ran out of users; raise stock.users");
            }
            return i;
        };
        Supplier<ChainBuilder> email = () -> flows.emailReset("reset.email", "stock", STOCK_CLIENT, stockUser);
        Supplier<ChainBuilder> sms = () -> flows.smsReset("reset.sms", "ocq", OCQ_CLIENT, ocqUser);
        log("Resets: warm-up");
        gatling("reset-warmup", List.of(Population.closed("warmup-email", email, conc, perUser(integer("reset.warmup"), conc)),
                Population.closed("warmup-sms", sms, conc, perUser(integer("reset.warmup"), conc))));
        for (String m : List.of("reset.email", "reset.sms")) {
            Stats.clear(m);
        }
        for (int round = 0; round < integer("rounds"); round++) {
            measure("reset.email", "reset-email-" + round, List.of(Population.closed("reset.email", email, conc, perUser(integer("reset.flows"), conc))));
            measure("reset.sms", "reset-sms-" + round, List.of(Population.closed("reset.sms", sms, conc, perUser(integer("reset.flows"), conc))));
        }
        report.add("## b) Password reset: OCQ by SMS vs Keycloak's stock reset by email");
        report.add("");
        table(List.of("reset.email", "reset.sms"), Map.of("reset.email", "stock: username → mail → link → new password (realm stock)",
                "reset.sms", "OCQ: mobile number → SMS code → new password (realm ocq)"));
        report.add("");
        report.add("Latency: the sum of the flow's Keycloak requests (sign-in page, 忘记密码 page, account, link or code, new password);"
                + " the wait for the mail or SMS is not counted. CPU includes the sends (SMTP to the sink; the verification and"
                + " 'password changed' SMS to the fake gateway on the sender's pool).");
        report.add("");
        double ratio = cpuPerFlow("reset.sms") / cpuPerFlow("reset.email");
        verdict(ratio <= 1.1, String.format(Locale.ROOT, "SMS reset CPU %.3f× email reset (target ≤ 1.1)", ratio));
    }

    private int nextResetUser() {
        synchronized (this) {
            if (resetNext > resetLast) {
                throw new IllegalStateException("No unused mobile numbers left for resets; raise the largest size");
            }
            return resetNext++;
        }
    }

    // ---------------------------------------------------------------- c) isolation

    private void isolation(int pool) throws Exception {
        int conc = integer("concurrency");
        int n = integer("isolation.flows");
        IntSupplier pick = spread(pool);
        double rate = Double.parseDouble(options.get("isolation.rate"));
        List<String[]> phases = List.of(new String[] {"baseline", "no reset traffic"}, new String[] {"slow", "reset traffic, gateway answers after 500 ms"},
                new String[] {"hang", "reset traffic, gateway never answers"});
        // The gateway phases keep reset traffic going for the whole sign-in phase, and a little
        // longer: 1.3 times the first baseline phase. Rounds alternate baseline, slow, hang.
        Duration traffic = null;
        for (int round = 0; round < integer("rounds"); round++) {
            for (String[] phase : phases) {
                String metric = "isolation." + phase[0];
                Supplier<ChainBuilder> signIn = () -> flows.signIn(metric, "ocq", STOCK_CLIENT, pick, Db::username);
                List<Population> plan = new ArrayList<>();
                plan.add(Population.closed(metric, signIn, conc, perUser(n, conc)));
                switch (phase[0]) {
                    case "slow" -> gateway.delay(Duration.ofMillis(500));
                    case "hang" -> gateway.delay(FakeGateway.NEVER);
                    default -> gateway.delay(null);
                }
                if (!phase[0].equals("baseline")) {
                    plan.add(Population.open("reset traffic " + phase[0], () -> flows.resetRequest("isolation.resets." + phase[0], "ocq", OCQ_CLIENT,
                            this::nextResetUser, 0), rate, traffic));
                }
                log("Isolation, round " + round + ": " + phase[1]);
                long start = System.nanoTime();
                measure(metric, "isolation-" + phase[0] + "-" + round, plan);
                if (traffic == null) {
                    traffic = Duration.ofMillis(Math.max(5_000, (System.nanoTime() - start) / 1_000_000 * 13 / 10));
                }
                gateway.delay(null);
                Thread.sleep(7_000); // hung sends time out (5 s) before the next phase
            }
        }
        // with reset traffic in the same phase, the server's CPU is not the sign-ins' alone
        cpu.remove("isolation.slow");
        cpu.remove("isolation.hang");
        report.add("## c) Stock sign-in while reset traffic runs against a slow and a hanging SMS gateway");
        report.add("");
        report.add(String.format(Locale.ROOT, "Stock sign-ins (%d flows per phase, %d at once) alone, then with %.0f reset requests per second for %d s"
                + " (the OCQ account step, each a new number), the gateway answering after 500 ms, then never (the sender gives up after 5 s);"
                + " %d rounds of the three phases, pooled.", n, conc, rate, traffic.toSeconds(), integer("rounds")));
        report.add("");
        table(List.of("isolation.baseline", "isolation.slow", "isolation.hang", "isolation.resets.slow", "isolation.resets.hang"),
                Map.of("isolation.baseline", "stock sign-in, no reset traffic", "isolation.slow", "stock sign-in, gateway 500 ms",
                        "isolation.hang", "stock sign-in, gateway hangs", "isolation.resets.slow", "reset account step, gateway 500 ms (latency only)",
                        "isolation.resets.hang", "reset account step, gateway hangs (latency only)"));
        report.add("");
        double base = Stats.percentile("isolation.baseline", 95);
        for (String phase : List.of("slow", "hang")) {
            double p95 = Stats.percentile("isolation." + phase, 95);
            verdict(p95 <= 1.1 * base, String.format(Locale.ROOT, "stock sign-in p95 while the gateway %s: %.0f ms = %.2f× baseline %.0f ms (target ≤ 1.1×)",
                    phase.equals("slow") ? "answers after 500 ms" : "hangs", p95, p95 / base, base));
        }
    }

    // ---------------------------------------------------------------- d) contention

    private void contention() throws Exception {
        int k = integer("contention.clients");
        int hot = nextResetUser();
        long since = System.currentTimeMillis();
        log("Contention: " + k + " clients, one number");
        measure("contention.one", "contention-one", List.of(Population.closed("contention.one",
                () -> flows.resetRequest("contention.one", "ocq", OCQ_CLIENT, () -> hot, k), k, 1)));
        int[] spread = new int[k];
        for (int i = 0; i < k; i++) {
            spread[i] = nextResetUser();
        }
        AtomicInteger next = new AtomicInteger();
        long sinceSpread = System.currentTimeMillis();
        log("Contention: " + k + " clients, " + k + " numbers");
        measure("contention.many", "contention-many", List.of(Population.closed("contention.many",
                () -> flows.resetRequest("contention.many", "ocq", OCQ_CLIENT, () -> spread[next.getAndIncrement() % k], k), k, 1)));
        Thread.sleep(3_000); // the sends start 100 ms after their request
        long hotSends = gateway.sendsTo(Db.phone(hot), since);
        long spreadSends = Arrays.stream(spread).mapToLong(i -> gateway.sendsTo(Db.phone(i), sinceSpread)).sum();
        long spreadMax = Arrays.stream(spread).mapToLong(i -> gateway.sendsTo(Db.phone(i), sinceSpread)).max().orElse(0);
        report.add("## d) The limit check under contention");
        report.add("");
        report.add("Chosen: " + k + " clients (each its own session and X-Forwarded-For address) post the reset account step at the same"
                + " instant (Gatling rendezVous) for ONE fresh number, then " + k + " clients for " + k + " fresh numbers. Each post"
                + " takes the per-number, per-IP and realm counters (put-if-absent slot keys in Keycloak's single-use store) and, when"
                + " allowed, starts the SMS. Latency = the account post alone; CPU per flow includes the two page loads before it.");
        report.add("");
        table(List.of("contention.one", "contention.many"), Map.of("contention.one", k + " clients, one number",
                "contention.many", k + " clients, " + k + " numbers"));
        report.add("");
        report.add(String.format(Locale.ROOT, "Codes sent: one number %d (allowed 1: cooldown %d s); %d numbers %d in all, at most %d to one number.",
                hotSends, COOLDOWN_SECONDS, k, spreadSends, spreadMax));
        report.add("");
        report.add(String.format(Locale.ROOT, "Cost of the contended check: p50 %.0f ms vs %.0f ms spread, p95 %.0f ms vs %.0f ms;"
                + " CPU per request %.1f ms vs %.1f ms (the spread case also sends %d SMS).",
                Stats.percentile("contention.one", 50), Stats.percentile("contention.many", 50), Stats.percentile("contention.one", 95),
                Stats.percentile("contention.many", 95), cpuPerFlow("contention.one"), cpuPerFlow("contention.many"), spreadSends));
        report.add("");
        verdict(hotSends <= 1 && spreadMax <= 1, String.format(Locale.ROOT,
                "contention: %d clients on one number sent %d code(s) (≤ 1 allowed); spread: at most %d per number (≤ 1 allowed)", k, hotSends, spreadMax));
    }

    /** Over the whole run: no number got a code within the cooldown of its previous one, or more than the hourly cap. */
    private void limits() {
        Map<String, List<Long>> byNumber = new HashMap<>();
        for (Gateway.Send s : gateway.verificationSends()) {
            byNumber.computeIfAbsent(s.to(), x -> new ArrayList<>()).add(s.atMillis());
        }
        int cooldown = 0;
        int hourly = 0;
        for (List<Long> times : byNumber.values()) {
            times.sort(null);
            for (int i = 1; i < times.size(); i++) {
                if (times.get(i) - times.get(i - 1) < COOLDOWN_SECONDS * 1000L) {
                    cooldown++;
                }
            }
            for (int i = PER_PHONE_PER_HOUR; i < times.size(); i++) {
                if (times.get(i) - times.get(i - PER_PHONE_PER_HOUR) < 3_600_000L) {
                    hourly++;
                }
            }
        }
        int total = gateway.verificationSends().size();
        report.add("## Limits over the whole run");
        report.add("");
        report.add(String.format(Locale.ROOT, "%d verification codes reached the gateway for %d numbers (plus %d other SMS); sends within the"
                + " %d s cooldown of the previous one to the same number: %d; beyond %d per number per hour: %d.", total, byNumber.size(),
                gateway.otherSends(), COOLDOWN_SECONDS, cooldown, PER_PHONE_PER_HOUR, hourly));
        report.add("");
        verdict(cooldown == 0 && hourly == 0, String.format(Locale.ROOT, "zero sends beyond any limit: %d beyond the cooldown, %d beyond the hourly cap",
                cooldown, hourly));
    }

    // ---------------------------------------------------------------- measuring

    /** Runs one phase and adds the Keycloak JVM's CPU ticks and the flows {@code metric} completed in it. */
    private void measure(String metric, String name, List<Population> plan) throws Exception {
        int before = Stats.count(metric);
        long ticks = keycloak.cpuTicks();
        gatling(name, plan);
        long used = keycloak.cpuTicks() - ticks;
        int done = Stats.count(metric) - before;
        double[] c = cpu.computeIfAbsent(metric, x -> new double[2]);
        c[0] += used;
        c[1] += done;
        log(String.format(Locale.ROOT, "%s: %d flows, %d failed so far, %.1f ms CPU per flow", name, done, Stats.failures(metric),
                done == 0 ? Double.NaN : used * 1000.0 / clockTicks / done));
    }

    private double cpuPerFlow(String metric) {
        double[] c = cpu.get(metric);
        return c == null || c[1] == 0 ? Double.NaN : c[0] * 1000.0 / clockTicks / c[1];
    }

    private void gatling(String name, List<Population> plan) {
        BenchSimulation.plan = plan;
        String[] args = {"-s", BenchSimulation.class.getName(), "-rf", output.resolve("gatling").toString(), "-nr", "-rd", name};
        int rc = io.gatling.app.Gatling$.MODULE$.fromArgs(args);
        if (rc != 0) {
            throw new IllegalStateException("Gatling phase " + name + " ended with " + rc);
        }
    }

    private void table(List<String> metrics, Map<String, String> names) {
        report.add("| flow | completed | failed | CPU ms/flow | p50 ms | p95 ms |");
        report.add("|---|---:|---:|---:|---:|---:|");
        for (String m : metrics) {
            report.add(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.0f | %.0f |", names.getOrDefault(m, m), Stats.count(m), Stats.failures(m),
                    cpu.containsKey(m) ? String.format(Locale.ROOT, "%.1f", cpuPerFlow(m)) : "–", Stats.percentile(m, 50), Stats.percentile(m, 95)));
            if (Stats.count(m + ".post") > 0) {
                report.add(String.format(Locale.ROOT, "| … its `post` | | | | %.0f | %.0f |", Stats.percentile(m + ".post", 50),
                        Stats.percentile(m + ".post", 95)));
            }
        }
    }

    private void verdict(boolean pass, String text) {
        String line = "- **" + (pass ? "PASS" : "MISS") + "** " + text;
        verdicts.add(line);
        log(line);
    }

    /**
     * Users 1..pool in a scrambled order (a stride that is prime to the pool), never the same user
     * twice within pool flows: two sign-ins of one user at the same instant trip Keycloak's
     * brute-force detection (user_temporarily_disabled), which random picks from a small pool do.
     */
    private static IntSupplier spread(int pool) {
        AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(pool));
        long stride = 7919;
        while (java.math.BigInteger.valueOf(stride).gcd(java.math.BigInteger.valueOf(pool)).intValue() != 1) {
            stride += 2;
        }
        long step = stride;
        return () -> (int) (Math.floorMod(next.getAndIncrement() * step, (long) pool) + 1);
    }

    private static int perUser(int flows, int users) {
        return Math.max(1, (flows + users - 1) / users);
    }

    private static String label(int size) {
        return size % 1000 == 0 ? size / 1000 + "k" : String.valueOf(size);
    }

    /**
     * The benchmark is a command whose output is its report, so it writes to standard output. Not
     * through a logger: Gatling's engine, started once per phase in this JVM, reconfigures logback
     * and silenced the benchmark's own logger after the first phase (tried).
     */
    private static void log(String s) {
        System.out.println("[bench " + Instant.now() + "] " + s);
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
