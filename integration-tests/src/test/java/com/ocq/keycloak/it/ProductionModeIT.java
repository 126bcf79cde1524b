package com.ocq.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.ocq.keycloak.it.support.Dirs;
import com.ocq.keycloak.it.support.Employees;
import com.ocq.keycloak.it.support.Employees.Employee;
import com.ocq.keycloak.it.support.FreePorts;
import com.ocq.keycloak.it.support.ItConfig;
import com.ocq.keycloak.it.support.KeycloakHomes;
import com.ocq.keycloak.it.support.KeycloakRuntime;
import com.ocq.keycloak.it.support.LocalRuntime;
import com.ocq.keycloak.it.support.ResetFlowClient;

/**
 * Production mode, as the README documents it: a second copy of the stock distribution, the jar in
 * {@code providers/}, {@code kc.sh build} for PostgreSQL, the template imported with
 * {@code kc.sh import} under two tenants' names, then {@code kc.sh start --optimized} on the local
 * PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionModeIT {

    /** Per test JVM, so that two runs on one machine never drop each other's database. */
    private static final String DATABASE = "ocq_it_production_" + ProcessHandle.current().pid();
    private static final String TENANT = "acme";
    /** A tenant whose users file gives two employees one mobile number. */
    private static final String DUPLICATES = "dup";
    private static final String ADMIN_PASSWORD = "production-it-" + java.util.UUID.randomUUID();

    private Path home;
    private Path logs;
    private final List<String> database = List.of(
            "--db=postgres",
            "--db-url=jdbc:postgresql://127.0.0.1:5432/" + DATABASE,
            "--db-username=postgres", "--db-password=unused-trust-auth");
    private Process server;
    private String baseUrl;

    @BeforeAll
    void prepare() throws IOException, SQLException {
        logs = Files.createDirectories(ItConfig.outputDir().resolve("production"));
        home = ItConfig.outputDir().resolve("keycloak-production");
        Dirs.deleteTree(home);
        Dirs.copyTree(ItConfig.keycloakHome(), home, "data");
        KeycloakHomes.installExtension(home);
        sql("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)", "CREATE DATABASE " + DATABASE);
    }

    @AfterAll
    void cleanUp() throws SQLException, IOException {
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sql("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        Dirs.deleteTree(home);
    }

    @Test
    @Order(1)
    void kcBuildTakesTheJarWithoutWarningsAboutItBeyondKeycloaksInternalSpiNotice() throws Exception {
        List<String> args = new ArrayList<>(List.of("build", "--health-enabled=true", "--cache=local"));
        args.add("--db=postgres");
        Result build = kc("build", args, Duration.ofMinutes(5));
        assertThat(build.exit).as(build.output).isZero();
        // KC-SERVICES0047 is Keycloak's notice for every provider of an SPI it marks internal
        // (authenticators, admin resources): about Keycloak's API, not about our jar.
        assertThat(build.output.lines().filter(l -> l.contains("WARN") || l.contains("ERROR"))
                .filter(l -> l.contains("ocq") || l.contains("com.ocq")).filter(l -> !l.contains("KC-SERVICES0047")))
                .as("warnings about our jar").isEmpty();
    }

    @Test
    @Order(2)
    void kcImportTakesTheTemplateAndASecondTenantMadeFromIt() throws Exception {
        Path tenantFile = logs.resolve(TENANT + "-realm.json");
        Process tenant = new ProcessBuilder("bash", System.getProperty("ocq.tenant.script"), TENANT, "ACME 财税")
                .redirectOutput(tenantFile.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(tenant.waitFor()).isZero();

        for (Path file : List.of(ItConfig.realmDir().resolve("ocq-realm.json"), tenantFile)) {
            List<String> args = new ArrayList<>(List.of("import", "--optimized", "--file=" + file,
                    "--http-management-port=" + FreePorts.next()));
            args.addAll(database);
            Result imported = kc("import-" + file.getFileName(), args, Duration.ofMinutes(5));
            assertThat(imported.exit).as(imported.output).isZero();
            assertThat(imported.output).contains("Realm '" + (file == tenantFile ? TENANT : ItConfig.REALM) + "' imported");
        }
    }

    @Test
    @Order(3)
    void kcImportRefusesATenantWhoseUsersFileGivesTwoEmployeesOneMobileNumber() throws Exception {
        // kc.sh import --dir reads <realm>-realm.json and <realm>-users-N.json exactly as
        // kc.sh start --import-realm reads data/import/ (Keycloak's DirImportProvider).
        Path dir = Files.createDirectories(logs.resolve("import-" + DUPLICATES));
        Process tenant = new ProcessBuilder("bash", System.getProperty("ocq.tenant.script"), DUPLICATES)
                .redirectOutput(dir.resolve(DUPLICATES + "-realm.json").toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(tenant.waitFor()).isZero();
        Files.writeString(dir.resolve(DUPLICATES + "-users-0.json"), """
                {"realm": "%s", "users": [
                  {"username": "first", "enabled": true, "firstName": "一", "lastName": "张",
                   "attributes": {"phoneNumber": ["13900000301"]}},
                  {"username": "second", "enabled": true, "firstName": "二", "lastName": "李",
                   "attributes": {"phoneNumber": ["+86 139-0000-0301"]}}
                ]}
                """.formatted(DUPLICATES), StandardCharsets.UTF_8);

        List<String> args = new ArrayList<>(List.of("import", "--optimized", "--dir=" + dir, "--http-management-port=" + FreePorts.next()));
        args.addAll(database);
        Result imported = kc("import-" + DUPLICATES, args, Duration.ofMinutes(5));

        assertThat(imported.exit).as(imported.output).isNotZero();
        assertThat(imported.output)
                .contains("Import into realm '" + DUPLICATES + "' refused, user 'second': mobile number 139****0301"
                        + " is already the number of user 'first'")
                .doesNotContain("Realm '" + DUPLICATES + "' imported")
                .doesNotContain("13900000301");
    }

    @Test
    @Order(4)
    void startOptimizedServesBothTenantsFromPostgres() throws Exception {
        int port = FreePorts.next();
        baseUrl = "http://127.0.0.1:" + port;
        List<String> args = new ArrayList<>(List.of("start", "--optimized", "--hostname=" + baseUrl, "--http-enabled=true",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + FreePorts.next()));
        args.addAll(database);
        ProcessBuilder builder = command(args).redirectOutput(logs.resolve("start.log").toFile());
        server = builder.start();
        awaitRealm(ItConfig.REALM);

        try (Keycloak admin = KeycloakBuilder.builder().serverUrl(baseUrl).realm("master").clientId("admin-cli")
                .username("admin").password(ADMIN_PASSWORD).build()) {
            RealmRepresentation ocq = admin.realm(ItConfig.REALM).toRepresentation();
            RealmRepresentation acme = admin.realm(TENANT).toRepresentation();
            assertThat(ocq.getDisplayName()).isEqualTo("OCQ 云智能管理");
            assertThat(acme.getDisplayName()).isEqualTo("ACME 财税");
            assertThat(acme.getLoginTheme()).isEqualTo("ocq");
            assertThat(acme.getDefaultRole().getName()).isEqualTo("default-roles-acme");
            assertThat(admin.realm(TENANT).groups().groups()).hasSize(4);
            assertThat(admin.realm(TENANT).users().count()).as("a new tenant starts without users").isZero();
            assertThat(admin.realm(TENANT).clients().findByClientId("ocq-admin-page").get(0).getRedirectUris())
                    .as("the tenant's employee-accounts page lives under its own realm").containsExactly("/realms/" + TENANT + "/ocq-admin/");
            assertThat(admin.serverInfo().getInfo().getProviders()).containsKey("ocq-sms-sender");
            assertThat(admin.realms().findAll()).extracting(RealmRepresentation::getRealm)
                    .as("nothing of a refused import is kept").doesNotContain(DUPLICATES);
        }
        String log = Files.readString(logs.resolve("start.log"), StandardCharsets.UTF_8);
        assertThat(log).as("the development SMS sender warns loudly outside dev mode")
                .contains("The development SMS sender 'log' is installed outside dev mode");
    }

    @Test
    @Order(5)
    void theExactMobileNumberLookupHasKeycloaksIndexOnAttributeNameAndValue() throws SQLException {
        // Sign-in and the uniqueness check look a number up with UserProvider
        // .searchForUserByUserAttributeStream: "attr.name = :name and attr.value = :value". Keycloak's
        // schema serves that with IDX_USER_ATTRIBUTE_NAME (jpa-changelog-14.0.0.xml); this fails if a
        // Keycloak upgrade drops it.
        try (Connection c = DriverManager.getConnection(System.getProperty("ocq.it.postgres.url").replace("/postgres", "/" + DATABASE),
                "postgres", "");
             Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = 'user_attribute'"
                     + " AND indexname = 'idx_user_attribute_name'")) {
            assertThat(rs.next()).as("index idx_user_attribute_name").isTrue();
            assertThat(rs.getString(1)).contains("(name, value)");
        }
    }

    /**
     * A number two employees hold signs nobody in: Accounts.find takes a number only when exactly one
     * user holds it, so that a sign-in by number never picks one of two accounts. Every write path
     * (admin API, profile forms, import) refuses a second holder, so such a pair can only come from a
     * direct database write, as here (the dev-mode server's H2 offers no SQL). The number answers like
     * a wrong password, with either holder's password, and each holder's username still signs in.
     */
    @Test
    @Order(6)
    void givenANumberTwoEmployeesHoldByADirectDatabaseWriteThenItSignsNobodyInButEachUsernameStillDoes() throws Exception {
        try (Production keycloak = new Production()) {
            RealmResource realm = keycloak.admin().realm(ItConfig.REALM);
            Employee first = Employees.create(realm);
            Employee second = Employees.create(realm);
            Employee other = Employees.create(realm);
            try (Connection c = DriverManager.getConnection(System.getProperty("ocq.it.postgres.url").replace("/postgres", "/" + DATABASE),
                    "postgres", "");
                 PreparedStatement update = c.prepareStatement("UPDATE user_attribute SET value = ? WHERE user_id = ? AND name = ?")) {
                update.setString(1, first.phone());
                update.setString(2, second.id());
                update.setString(3, "phoneNumber");
                assertThat(update.executeUpdate()).as("the second employee's number row").isEqualTo(1);
            }
            // The number lookup queries the database, not Keycloak's user cache; the cache is cleared
            // so that the cached users, too, are what the database now holds.
            realm.clearUserCache();
            assertThat(realm.users().get(second.id()).toRepresentation().firstAttribute("phoneNumber")).isEqualTo(first.phone());

            HttpResponse<String> wrongPassword = signIn(keycloak, other.national(), "Not-" + other.password()).last();
            for (Employee holder : List.of(first, second)) {
                ResetFlowClient tab = signIn(keycloak, first.national(), holder.password());
                assertThat(tab.reachedApp()).as("the shared number with the password of " + holder.username()).isFalse();
                assertThat(tab.last().body()).contains("kc-form-login").contains("无效的用户名或密码。");
                assertThat(tab.last().statusCode()).isEqualTo(wrongPassword.statusCode());
                assertThat(ResetFlowClient.comparable(tab.last().body(), first.national()))
                        .isEqualTo(ResetFlowClient.comparable(wrongPassword.body(), other.national()));
                assertThat(realm.users().get(holder.id()).getUserSessions()).isEmpty();
            }
            for (Employee holder : List.of(first, second)) {
                ResetFlowClient tab = signIn(keycloak, holder.username(), holder.password());
                assertThat(tab.reachedApp()).as("%s by username", holder.username()).isTrue();
                JsonNode idToken = tab.app().exchange(tab.app().awaitCode(Duration.ofSeconds(10)));
                assertThat(idToken.path("preferred_username").asText()).isEqualTo(holder.username());
            }
            String masked = first.national().substring(0, 3) + "****" + first.national().substring(7);
            assertThat(keycloak.log()).contains("more than one user holds the mobile number " + masked + "; it signs nobody in")
                    .doesNotContain(first.national());
        }
    }

    private static ResetFlowClient signIn(KeycloakRuntime keycloak, String account, String password) {
        ResetFlowClient tab = new ResetFlowClient(keycloak);
        tab.openSignIn();
        tab.signIn(account, password);
        return tab;
    }

    /** The production server of this class, as the HTTP helpers of the other tests talk to a server. */
    private final class Production extends LocalRuntime {
        Production() {
            super(logs.resolve("start.log"), ADMIN_PASSWORD);
        }

        @Override
        public String baseUrl() {
            return baseUrl;
        }

        @Override
        public String managementUrl() {
            throw new UnsupportedOperationException("not used here");
        }

        @Override
        public void close() {
            closeAdmin();
        }
    }

    private void awaitRealm(String realm) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        while (Instant.now().isBefore(deadline)) {
            assertThat(server.isAlive()).as("server running; see " + logs.resolve("start.log")).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet listening
            }
            Thread.sleep(500);
        }
        throw new AssertionError("production server did not serve realm " + realm + "; see " + logs.resolve("start.log"));
    }

    private record Result(int exit, String output) {
    }

    private Result kc(String name, List<String> args, Duration timeout) throws IOException, InterruptedException {
        Path log = logs.resolve(name + ".log");
        Process process = command(args).redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kc.sh " + args.get(0) + " did not finish within " + timeout);
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private ProcessBuilder command(List<String> args) {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
        // The first command that touches the new database creates the master realm and this admin.
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        return builder;
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
