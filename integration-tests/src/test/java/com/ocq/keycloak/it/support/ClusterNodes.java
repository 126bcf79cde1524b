package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import com.ocq.keycloak.sms.testing.FakeGateway;

/**
 * Two Keycloak nodes in production mode forming one cluster, as the README's cluster setup has
 * it: one copy of the stock distribution per node with the jar, {@code kc.sh build --db=postgres}
 * (the default {@code ispn} cache, whose default stack discovers members through the database,
 * jdbc-ping), one PostgreSQL database of their own, the realm imported once (by node A at its
 * first start), JGroups bound to loopback. No fixed hostname: each node builds its URLs from the
 * request, so a test can send any request of a tab to either node, as a load balancer without
 * sticky sessions would. Both send SMS through the {@code http} sender to one {@link FakeGateway}
 * with no fallback sender, and trust X-Forwarded-For from 127.0.0.1.
 *
 * <p>Register with {@code @RegisterExtension static}: it starts the cluster before the class,
 * prints both nodes' log tails under any failure, and kills the nodes and drops the database
 * after the class, however it went.
 */
public final class ClusterNodes implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(4);
    private static final int LOG_LINES_ON_FAILURE = 60;
    /** Infinispan's "new cluster view" message, with the member count in parentheses. */
    private static final Pattern TWO_MEMBERS = Pattern.compile("ISPN000094: Received new cluster view for channel \\S+: \\[[^]]*\\] \\(2\\)");

    /**
     * The JIT's first tier only: on two shared cores, two Keycloak JVMs starting at once spend about
     * half their CPU in the optimizing compiler, for code the tests barely run.
     */
    private static final String QUICK_START = "-XX:TieredStopAtLevel=1";

    private final String name;
    /** Per test JVM, so that two runs on one machine never drop each other's database. */
    private final String database;
    private final String adminPassword = "cluster-it-" + UUID.randomUUID();
    private ServerSetup setup;
    private Path dir;
    private final List<Node> nodes = new ArrayList<>();

    /** {@code name} names the output directory and the database (with the JVM's pid). */
    public ClusterNodes(String name) {
        this.name = name;
        this.database = "ocq_it_" + name + "_" + ProcessHandle.current().pid();
    }

    public Node a() {
        return nodes.get(0);
    }

    public Node b() {
        return nodes.get(1);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public FakeGateway gateway() {
        return setup.gateway();
    }

    /** One node of the cluster: a {@link KeycloakRuntime} a {@link ResetFlowClient} can be pointed at. */
    public final class Node extends LocalRuntime {
        private final String id;
        private final Path home;
        // Taken just before the node starts, so that other processes on the machine have less time to take them.
        private int httpPort;
        private int managementPort;
        private int clusterPort;
        private Process process;

        private Node(String id) {
            super(ClusterNodes.this.dir.resolve("node-" + id + ".log"), ClusterNodes.this.adminPassword);
            this.id = id;
            this.home = dir.resolve("keycloak-" + id);
        }

        public String id() {
            return id;
        }

        @Override
        public String baseUrl() {
            return "http://127.0.0.1:" + httpPort;
        }

        @Override
        public String managementUrl() {
            return "http://127.0.0.1:" + managementPort;
        }





        public boolean alive() {
            return process != null && process.isAlive();
        }

        /** The node dies at once, as on a power cut: no shutdown, no leaving the cluster. */
        public void kill() {
            if (process == null) {
                return;
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            closeAdmin();
            kill();
        }

        private void start(boolean importRealm) throws IOException {
            httpPort = FreePorts.next();
            managementPort = FreePorts.next();
            clusterPort = FreePorts.next();
            List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                    "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + httpPort,
                    "--http-management-port=" + managementPort, "--hostname-strict=false",
                    "--cache-embedded-network-bind-address=127.0.0.1", "--cache-embedded-network-bind-port=" + clusterPort,
                    "--db-url=jdbc:postgresql://127.0.0.1:5432/" + database, "--db-username=postgres",
                    "--db-password=unused-trust-auth"));
            if (importRealm) {
                command.add("--import-realm");
            }
            for (String option : setup.options()) {
                if (option.startsWith("--metrics-enabled")) {
                    continue; // a build option; the cluster tests read no metrics
                }
                // One sender and no fallback: a message the gateway refuses is a message not sent.
                command.add(option.startsWith("--spi-ocq-sms-sender--failover--senders=")
                        ? "--spi-ocq-sms-sender--failover--senders=http" : option);
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx768m");
            builder.environment().put("JAVA_OPTS_APPEND", QUICK_START);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", adminUsername());
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            builder.environment().putAll(setup.env());
            process = builder.start();
        }

        private void awaitLog(String text, Instant deadline) throws InterruptedException {
            while (!log().contains(text)) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Node " + id + " never logged " + text + ":\n" + logTail(120));
                }
                Thread.sleep(250);
            }
        }

        private void awaitRealm(Instant deadline) throws InterruptedException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest probe = HttpRequest.newBuilder(URI.create(realmUrl())).timeout(Duration.ofSeconds(5)).build();
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Node " + id + " exited with " + process.exitValue() + " while starting:\n"
                            + logTail(120));
                }
                try {
                    if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("Node " + id + " did not serve realm " + ItConfig.REALM + " in time:\n" + logTail(120));
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> nodes.forEach(Node::kill), "stop-cluster"));
        try {
            start();
        } catch (Exception | AssertionError e) {
            printLogs(name + " start");
            throw e;
        }
    }

    private void start() throws Exception {
        setup = ServerSetup.start("127.0.0.1");
        dir = Files.createDirectories(ItConfig.outputDir().resolve(name));
        sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)", "CREATE DATABASE " + database);
        nodes.add(new Node("a"));
        nodes.add(new Node("b"));

        Path first = a().home;
        Dirs.deleteTree(first);
        Dirs.copyTree(ItConfig.keycloakHome(), first, "data");
        KeycloakHomes.installExtension(first);
        runBuild(first);
        Dirs.deleteTree(b().home);
        Dirs.copyTree(first, b().home);
        Path imports = Files.createDirectories(first.resolve("data/import"));
        Files.copy(ItConfig.realmDir().resolve("ocq-realm.json"), imports.resolve("ocq-realm.json"));

        // Node A creates the schema, the master realm and the realm; node B starts as soon as they
        // exist (two first starts on an empty database both create the master realm and one fails).
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        a().start(true);
        a().awaitLog("KC-SERVICES0032", deadline); // Import finished successfully
        b().start(false);
        a().awaitRealm(deadline);
        b().awaitRealm(deadline);
        for (Node node : nodes) {
            Eventually.until(() -> TWO_MEMBERS.matcher(node.log()).find(), Boolean::booleanValue,
                    "node " + node.id + " logging a cluster view of 2 members (ISPN000094)");
        }
        RealmSettings.forTests(a().admin().realm(ItConfig.REALM));
    }

    private void runBuild(Path home) throws IOException, InterruptedException {
        Path log = dir.resolve("build.log");
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "build", "--db=postgres")
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_OPTS_APPEND", QUICK_START);
        Process build = builder.start();
        if (!build.waitFor(5, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            throw new IllegalStateException("kc.sh build did not finish in 5 minutes");
        }
        if (build.exitValue() != 0) {
            throw new IllegalStateException("kc.sh build failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<CompletableFuture<Void>> stopped = nodes.stream().map(n -> CompletableFuture.runAsync(n::close)).toList();
        stopped.forEach(CompletableFuture::join);
        if (setup != null) {
            setup.gateway().close();
        }
        sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        for (Node node : nodes) {
            Dirs.deleteTree(node.home);
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        printLogs(context.getDisplayName());
        throw throwable;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        printLogs(context.getDisplayName());
        throw throwable;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        printLogs(context.getDisplayName());
        throw throwable;
    }

    private void printLogs(String failed) {
        for (Node node : nodes) {
            System.err.printf("%n===== %s failed; last %d lines of node %s's log =====%n%s%n===== end of node %s's log =====%n", failed,
                    LOG_LINES_ON_FAILURE, node.id, node.logTail(LOG_LINES_ON_FAILURE), node.id);
        }
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(System.getProperty("ocq.it.postgres.url"), "postgres", "");
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
