package com.ocq.keycloak.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark's users, written straight into Keycloak's tables: each realm gets one template
 * user created through the admin API (so the password credential is exactly what the realm's
 * policy hashes, and no sign-in re-hashes it), then SQL copies its rows N times with a username,
 * email and mobile number of its own. Hashing 100k passwords one by one would take hours here.
 */
final class Db {

    private Db() {
    }

    static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(KeycloakServer.POSTGRES_URL + database, "postgres", "");
    }

    static void admin(String... statements) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String username(int i) {
        return "u" + i;
    }

    static String email(int i) {
        return "u" + i + "@bench.example";
    }

    /** User i's mobile number as stored: E.164. */
    static String phone(int i) {
        return String.format("+86139%08d", i);
    }

    /** As people type it. */
    static String nationalPhone(int i) {
        return phone(i).substring(3);
    }

    /** Copies the template user of {@code realm} into users {@code from..to} (inclusive). */
    static void cloneUsers(String realm, String templateUsername, int from, int to) throws SQLException {
        try (Connection c = connect(KeycloakServer.DATABASE)) {
            c.setAutoCommit(false);
            String realmId = single(c, "SELECT id FROM realm WHERE name = ?", realm);
            String templateId = single(c, "SELECT id FROM user_entity WHERE realm_id = ? AND username = ?", realmId, templateUsername);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench_ids");
                s.execute("CREATE TEMP TABLE bench_ids AS SELECT i, md5('" + realm + "-' || i)::uuid::text AS uid FROM generate_series("
                        + from + ", " + to + ") AS i");
            }
            copy(c, "user_entity", "id", templateId, Map.of(
                    "id", "bench_ids.uid",
                    "username", "'u' || bench_ids.i",
                    "email", "'u' || bench_ids.i || '@bench.example'",
                    "email_constraint", "'u' || bench_ids.i || '@bench.example'"));
            copy(c, "user_attribute", "user_id", templateId, Map.of(
                    "id", "gen_random_uuid()::text",
                    "user_id", "bench_ids.uid",
                    "value", "CASE WHEN t.name = 'phoneNumber' THEN '+86139' || lpad(bench_ids.i::text, 8, '0') ELSE t.value END"));
            copy(c, "credential", "user_id", templateId, Map.of("id", "gen_random_uuid()::text", "user_id", "bench_ids.uid"));
            copy(c, "user_role_mapping", "user_id", templateId, Map.of("user_id", "bench_ids.uid"));
            copy(c, "user_group_membership", "user_id", templateId, Map.of("user_id", "bench_ids.uid"));
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE user_entity");
                s.execute("ANALYZE user_attribute");
                s.execute("ANALYZE credential");
                s.execute("ANALYZE user_role_mapping");
            }
        }
    }

    private static void copy(Connection c, String table, String userColumn, String templateId, Map<String, String> overrides) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            return;
        }
        Map<String, String> select = new LinkedHashMap<>();
        for (String col : columns) {
            select.put(col, overrides.getOrDefault(col, "t." + col));
        }
        String sql = "INSERT INTO " + table + " (" + String.join(", ", select.keySet()) + ") SELECT "
                + select.values().stream().collect(Collectors.joining(", ")) + " FROM " + table + " t CROSS JOIN bench_ids WHERE t."
                + userColumn + " = ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, templateId);
            p.executeUpdate();
        }
    }

    static String single(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setString(i + 1, params[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No row for " + sql + " " + List.of(params));
                }
                return rs.getString(1);
            }
        }
    }

    /** Lines of a query's output (EXPLAIN, version). */
    static List<String> lines(String sql, String... params) throws SQLException {
        try (Connection c = connect(KeycloakServer.DATABASE); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setString(i + 1, params[i]);
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            return lines;
        }
    }
}
