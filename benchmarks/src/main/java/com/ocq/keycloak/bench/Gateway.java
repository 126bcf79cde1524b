package com.ocq.keycloak.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.ocq.keycloak.sms.testing.FakeGateway;

/**
 * The loopback SMS gateway of the run (the project's FakeGateway behind the {@code http} sender):
 * every verification-code message it receives is kept (number, time) for the limit check, and the
 * newest code per number is handed to the flow waiting for it. Answers come at once, after a delay,
 * or never.
 */
final class Gateway implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TO = Pattern.compile("\"to\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PURPOSE = Pattern.compile("\"purpose\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"(\\d+)\"");

    record Send(String to, long atMillis) {
    }

    private final FakeGateway gateway = new FakeGateway();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Send> verificationSends = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Send> otherSends = new ConcurrentLinkedQueue<>();
    private final java.util.Set<String> seen = ConcurrentHashMap.newKeySet();
    private volatile Duration delay;

    Gateway() {
        gateway.answer(request -> {
            String body = request.body();
            String to = find(TO, body);
            String purpose = find(PURPOSE, body);
            long now = System.currentTimeMillis();
            // a retry of one message (same id, after a timeout) is not a second code
            if ("verification_code".equals(purpose) && seen.add(String.valueOf(find(ID, body)))) {
                verificationSends.add(new Send(to, now));
                String code = find(CODE, body);
                if (to != null && code != null) {
                    codes.put(to, code);
                }
            } else if (!"verification_code".equals(purpose)) {
                otherSends.add(new Send(to, now));
            }
            FakeGateway.Answer ok = FakeGateway.Answer.json(200, "{\"messageId\":\"bench\"}");
            Duration d = delay;
            return d == null ? ok : ok.after(d);
        });
    }

    String url() {
        return gateway.uri() + "/sms";
    }

    /** null: answer at once; {@link FakeGateway#NEVER}: hang. */
    void delay(Duration d) {
        this.delay = d;
    }

    /** The newest code sent to {@code e164}, removed; null if none yet. */
    String takeCode(String e164) {
        return codes.remove(e164);
    }

    List<Send> verificationSends() {
        return new ArrayList<>(verificationSends);
    }

    int otherSends() {
        return otherSends.size();
    }

    long sendsTo(String e164, long sinceMillis) {
        return verificationSends.stream().filter(s -> e164.equals(s.to()) && s.atMillis() >= sinceMillis).count();
    }

    private static String find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
