package com.ocq.keycloak.bench;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.css;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitBlockOnFail;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.rendezVous;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.flushCookieJar;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

/**
 * The flows as a browser runs them, in Gatling's Java DSL. Each flow starts with an empty cookie
 * jar (no SSO), comes from a client address of its own (X-Forwarded-For from the trusted loopback
 * proxy), and records its Keycloak requests' response times (Gatling's responseTimeInMillis) when
 * it completes; waits for an SMS or a mail are pauses, not counted.
 */
final class Flows {

    /** The password every benchmark user has (the template's credential, copied). */
    static final String PASSWORD = "Bench-Pw-7f3K9q";
    static final String REDIRECT = "http://127.0.0.1:9/cb";
    private static final String VERIFIER = "bench-verifier-0123456789-0123456789-0123456789-abcdefgh";
    private static final String CHALLENGE = challenge(VERIFIER);
    private static final AtomicInteger NEXT_IP = new AtomicInteger();
    private static final String RESET_LINK = "href=\"([^\"]*login-actions/reset-credentials[^\"]*)\"";

    private final Gateway gateway;
    private final SmtpSink sink;

    Flows(Gateway gateway, SmtpSink sink) {
        this.gateway = gateway;
        this.sink = sink;
    }

    static String authUrl(String realm, String clientId) {
        return "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + clientId + "&response_type=code&scope=openid"
                + "&redirect_uri=" + java.net.URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8)
                + "&state=#{state}&code_challenge=" + CHALLENGE + "&code_challenge_method=S256";
    }

    private static Session fresh(Session s) {
        int n = NEXT_IP.incrementAndGet();
        return s.set("ip", "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff))
                .set("state", UUID.randomUUID().toString());
    }

    /** Sign-in: the page, then the form with {@code account} of a user {@code pick} draws; ends in the redirect with a code. */
    ChainBuilder signIn(String metric, String realm, String clientId, IntSupplier pick, Function<Integer, String> account) {
        return exec(flushCookieJar()).exec(s -> fresh(s).set("account", account.apply(pick.getAsInt())))
                .exitBlockOnFail().on(
                        exec(http(metric + " page").get(authUrl(realm, clientId)).header("X-Forwarded-For", "#{ip}")
                                .check(bodyString().saveAs("page"), status().is(200), css("#kc-form-login", "action").saveAs("action"), responseTimeInMillis().saveAs("t1")))
                                .exec(http(metric + " post").post("#{action}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                                        .formParam("username", "#{account}").formParam("password", PASSWORD).disableFollowRedirect()
                                        .check(bodyString().saveAs("page"), status().is(302), header("Location").transform(l -> l.startsWith(REDIRECT) && l.contains("code="))
                                                .is(true), responseTimeInMillis().saveAs("t2")))
                                .exec(s -> {
                                    Stats.record(metric, s.getLong("t1") + s.getLong("t2"));
                                    Stats.record(metric + ".post", s.getLong("t2"));
                                    return s;
                                }))
                .exec(s -> failed(s, metric));
    }

    /** Keycloak's stock reset: 忘记密码 link, username, the mailed action-token link, the new password. */
    ChainBuilder emailReset(String metric, String realm, String clientId, IntSupplier pick) {
        return exec(flushCookieJar()).exec(s -> {
            int i = pick.getAsInt();
            return fresh(s).set("account", Db.username(i)).set("email", Db.email(i));
        }).exitBlockOnFail().on(
                openResetPage(metric, realm, clientId)
                        .exec(http(metric + " account").post("#{action}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                                .formParam("username", "#{account}").check(bodyString().saveAs("page"), status().is(200), responseTimeInMillis().saveAs("t3")))
                        .exec(await("link", s -> sink.takeLink(s.getString("email"))))
                        .exec(s -> s.getString("link").isEmpty() ? s.set("link", "/realms/" + realm + "/no-mail-arrived") : s)
                        .exec(http(metric + " link").get("#{link}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                                .check(bodyString().saveAs("page"), status().is(200), css("#kc-passwd-update-form", "action").saveAs("action"),
                                        responseTimeInMillis().saveAs("t4")))
                        .exec(newPassword(metric, "t5"))
                        .exec(s -> recordTotal(s, metric)))
                .exec(s -> failed(s, metric));
    }

    /** Our reset: 忘记密码 link, the mobile number as typed, the SMS code, the new password. */
    ChainBuilder smsReset(String metric, String realm, String clientId, IntSupplier pick) {
        return exec(flushCookieJar()).exec(s -> {
            int i = pick.getAsInt();
            return fresh(s).set("account", Db.nationalPhone(i)).set("phone", Db.phone(i));
        }).exitBlockOnFail().on(
                openResetPage(metric, realm, clientId)
                        .exec(http(metric + " account").post("#{action}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                                .formParam("username", "#{account}")
                                .check(bodyString().saveAs("page"), status().is(200), css("#ocq-sms-code-form", "action").saveAs("action"), responseTimeInMillis().saveAs("t3")))
                        .exec(await("code", s -> gateway.takeCode(s.getString("phone"))))
                        .exec(http(metric + " code").post("#{action}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                                .formParam("code", s -> s.getString("code").isEmpty() ? "000000" : s.getString("code"))
                                .check(bodyString().saveAs("page"), status().is(200), css("#ocq-new-password-form", "action").saveAs("action"),
                                        responseTimeInMillis().saveAs("t4")))
                        .exec(newPassword(metric, "t5"))
                        .exec(s -> recordTotal(s, metric)))
                .exec(s -> failed(s, metric));
    }

    /**
     * Only the first step of our reset, the one that checks the limits and starts the SMS: the
     * number of user {@code pick} is asked for. With {@code together} > 0, that many flows post at
     * the same instant (Gatling's rendezVous).
     */
    ChainBuilder resetRequest(String metric, String realm, String clientId, IntSupplier pick, int together) {
        ChainBuilder open = exec(flushCookieJar()).exec(s -> fresh(s).set("account", Db.nationalPhone(pick.getAsInt())));
        ChainBuilder post = exec(http(metric + " account").post("#{action}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                .formParam("username", "#{account}")
                .check(bodyString().saveAs("page"), status().is(200), css("#ocq-sms-code-form", "action").exists(), responseTimeInMillis().saveAs("t3")))
                .exec(s -> {
                    Stats.record(metric, s.getLong("t3"));
                    return s;
                });
        ChainBuilder steps = together > 0 ? openResetPage(metric, realm, clientId).exec(rendezVous(together)).exec(post)
                : openResetPage(metric, realm, clientId).exec(post);
        return open.exitBlockOnFail().on(steps).exec(s -> failed(s, metric));
    }

    private ChainBuilder openResetPage(String metric, String realm, String clientId) {
        return exec(http(metric + " page").get(authUrl(realm, clientId)).header("X-Forwarded-For", "#{ip}")
                .check(bodyString().saveAs("page"), status().is(200), regex(RESET_LINK).transform(l -> l.replace("&amp;", "&")).saveAs("link"),
                        responseTimeInMillis().saveAs("t1")))
                .exec(http(metric + " reset page").get("#{link}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                        .check(bodyString().saveAs("page"), status().is(200), css("#kc-reset-password-form", "action").saveAs("action"), responseTimeInMillis().saveAs("t2")));
    }

    /**
     * Waits (pauses of 20 ms, at most 10 s, not counted in any latency) until {@code lookup} finds
     * the mail's link or the SMS's code, into session key {@code key} ("" if it never came).
     */
    private static ChainBuilder await(String key, Function<Session, String> lookup) {
        return exec(s -> s.set(key, "").set("tries", 0))
                .asLongAs(s -> s.getString(key).isEmpty() && s.getInt("tries") < 500).on(pause(Duration.ofMillis(20)).exec(s -> {
                    String found = lookup.apply(s);
                    return s.set(key, found == null ? "" : found).set("tries", s.getInt("tries") + 1);
                }));
    }

    /** A completed reset: the sum of its five Keycloak requests. */
    private static Session recordTotal(Session s, String metric) {
        Stats.record(metric, s.getLong("t1") + s.getLong("t2") + s.getLong("t3") + s.getLong("t4") + s.getLong("t5"));
        return s;
    }

    private static ChainBuilder newPassword(String metric, String timing) {
        return exec(s -> s.set("newPassword", "Nw-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + "-q"))
                .exec(http(metric + " new password").post("#{action}").disableUrlEncoding().header("X-Forwarded-For", "#{ip}")
                        .formParam("password-new", "#{newPassword}").formParam("password-confirm", "#{newPassword}").disableFollowRedirect()
                        .check(bodyString().saveAs("page"), status().in(200, 302), responseTimeInMillis().saveAs(timing)));
    }

    private static Session failed(Session s, String metric) {
        if (s.isFailed()) {
            Stats.fail(metric, s.contains("page") ? s.getString("page") : null);
            return s.markAsSucceeded();
        }
        return s;
    }

    private static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
