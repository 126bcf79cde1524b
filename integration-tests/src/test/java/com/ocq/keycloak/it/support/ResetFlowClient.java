package com.ocq.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One browser tab of the sign-in and 忘记密码 flows at the HTTP level: its own cookies, following
 * Keycloak's redirects (back to the app's loopback callback too), reading each page's form actions
 * the way a browser would.
 */
public final class ResetFlowClient {

    /** The code field's errors as {@link #fieldError} reads them (messages_zh_CN: ocqSmsCodeInvalid, ocqSmsCodeExpired). */
    public static final String WRONG_CODE = "验证码错误，请重新输入。";
    public static final String EXPIRED_CODE = "验证码已失效，请重新获取。";

    private static final AtomicInteger NEXT_IP = new AtomicInteger();

    private final HttpClient http;
    private final KeycloakRuntime keycloak;
    private OcqWebApp app;
    private final String clientIp;
    private HttpResponse<String> last;
    /** Where this tab's next requests go (a cluster node); null: wherever the page's URLs point. */
    private volatile KeycloakRuntime node;
    private java.util.function.Consumer<HttpResponse<String>> observer = response -> {
    };
    private Duration requestTimeout;

    /** A tab of an employee with an address of its own (as the trusted proxy reports it), so per-IP limits stay out of the way. */
    public ResetFlowClient(KeycloakRuntime keycloak) {
        this(keycloak, newClientIp());
    }

    /** A tab whose requests come, through the trusted proxy, from {@code clientIp}. */
    public ResetFlowClient(KeycloakRuntime keycloak, String clientIp) {
        this.keycloak = keycloak;
        this.clientIp = clientIp;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieJar()).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A client address no other tab of this run has: 10.x.y.z. */
    public static String newClientIp() {
        int n = NEXT_IP.incrementAndGet();
        return "10." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    /**
     * Hands every answer this tab receives to {@code observer} (the redirects it followed are the
     * answer's {@code previousResponse()} chain) and gives up on any request after {@code timeout}.
     */
    public ResetFlowClient observe(java.util.function.Consumer<HttpResponse<String>> observer, Duration timeout) {
        this.observer = observer;
        this.requestTimeout = timeout;
        return this;
    }

    public String clientIp() {
        return clientIp;
    }

    /**
     * Sends this tab's next requests to {@code node} of a cluster (as a load balancer without
     * sticky sessions would), whatever server the page's URLs name; the cookies stay the tab's.
     * Null goes back to following the page's URLs.
     */
    public ResetFlowClient via(KeycloakRuntime node) {
        this.node = node;
        return this;
    }

    /** {@code uri} with the scheme, host and port of {@code node}'s base URL; {@code uri} itself when null. */
    public static URI on(KeycloakRuntime node, URI uri) {
        if (node == null) {
            return uri;
        }
        return URI.create(node.baseUrl() + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** The app this tab signs in to (its callback server starts on first use). */
    public OcqWebApp app() {
        if (app == null) {
            app = new OcqWebApp(keycloak);
        }
        return app;
    }

    /** Opens the app's sign-in page. */
    public HttpResponse<String> openSignIn() {
        return get(URI.create(app().authorizationUrl()));
    }

    /** Submits the sign-in form; a success ends on the app's callback page. */
    public HttpResponse<String> signIn(String account, String password) {
        return post("kc-form-login", Map.of("username", account, "password", password));
    }

    /** Submits Keycloak's OTP form. */
    public HttpResponse<String> submitOtp(String code) {
        return post("kc-otp-login-form", Map.of("otp", code));
    }

    /** Whether the last answer is the app's callback page, that is, Keycloak sent the browser back with a code. */
    public boolean reachedApp() {
        return last.uri().getPath().equals("/callback") && last.body().contains("ocq-app");
    }

    /** Opens the app's sign-in, then follows 忘记密码 to the account page. */
    public ResetFlowClient start() {
        return start(OcqWebApp.signInUrl(keycloak));
    }

    /** Opens {@code authorizationUrl}, then follows 忘记密码 to the account page. */
    public ResetFlowClient start(String authorizationUrl) {
        get(URI.create(authorizationUrl));
        Matcher link = Pattern.compile("href=\"([^\"]*login-actions/reset-credentials[^\"]*)\"").matcher(last.body());
        if (!link.find()) {
            throw new AssertionError("No 忘记密码 link on the sign-in page:\n" + last.body());
        }
        get(last.uri().resolve(unescape(link.group(1))));
        return this;
    }

    public HttpResponse<String> submitAccount(String account) {
        return post("kc-reset-password-form", Map.of("username", account));
    }

    public HttpResponse<String> submitCode(String code) {
        return post("ocq-sms-code-form", Map.of("code", code));
    }

    public HttpResponse<String> resend() {
        return post("ocq-resend-form", Map.of("resend", "1"));
    }

    public HttpResponse<String> submitNewPassword(String password) {
        return post("ocq-new-password-form", Map.of("password-new", password, "password-confirm", password));
    }

    /**
     * The current step again, as Keycloak's own refresh URL asks for it: the flow's URL with only
     * the client and the tab, no session code.
     */
    public HttpResponse<String> reload() {
        URI uri = last.uri();
        String query = java.util.Arrays.stream(uri.getRawQuery().split("&"))
                .filter(p -> p.startsWith("client_id=") || p.startsWith("tab_id=") || p.startsWith("client_data="))
                .collect(Collectors.joining("&"));
        return get(uri.resolve(uri.getRawPath() + "?" + query));
    }

    public HttpResponse<String> last() {
        return last;
    }

    /** The action URL of form {@code formId} on the current page. */
    public String action(String formId) {
        return actionIn(last.body(), formId);
    }

    /** The action URL of form {@code formId} in {@code html}. */
    public static String actionIn(String html, String formId) {
        Matcher form = Pattern.compile("<form[^>]*id=\"" + Pattern.quote(formId) + "\"[^>]*action=\"([^\"]+)\"").matcher(html);
        if (!form.find()) {
            form = Pattern.compile("<form[^>]*action=\"([^\"]+)\"[^>]*id=\"" + Pattern.quote(formId) + "\"").matcher(html);
            if (!form.find()) {
                throw new AssertionError("No form " + formId + " on the page:\n" + html);
            }
        }
        return unescape(form.group(1));
    }

    /** The error shown under field {@code field} of {@code page} (its {@code input-error-<field>} text); empty when none is. */
    public static String fieldError(HttpResponse<String> page, String field) {
        Matcher error = Pattern.compile("id=\"input-error-" + Pattern.quote(field) + "\"[^>]*>\\s*<span[^>]*>\\s*([^<]*?)\\s*</span>")
                .matcher(page.body());
        return error.find() ? error.group(1) : "";
    }

    public HttpResponse<String> post(String formId, Map<String, String> fields) {
        return postTo(last.uri().resolve(action(formId)), fields);
    }

    public HttpResponse<String> postTo(URI uri, Map<String, String> fields) {
        return send(formPost(on(node, uri), fields));
    }

    /**
     * Posts form {@code formId} of the current page {@code copies} times at once (as a double
     * click or a script would), waits for every answer and returns them; the current page stays.
     */
    public List<HttpResponse<String>> postConcurrently(String formId, Map<String, String> fields, int copies) {
        return postConcurrently(formId, fields, copies, java.util.Collections.singletonList(node));
    }

    /**
     * As {@link #postConcurrently(String, Map, int)}, copy {@code i} going to
     * {@code nodes.get(i % nodes.size())}: one tab's double click landing on every node of a cluster.
     */
    public List<HttpResponse<String>> postConcurrently(String formId, Map<String, String> fields, int copies,
            List<? extends KeycloakRuntime> nodes) {
        URI action = last.uri().resolve(action(formId));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            HttpRequest request = formPost(on(nodes.get(i % nodes.size()), action), fields);
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            }).thenCompose(f -> f));
        }
        go.countDown();
        return answers.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
    }

    /** {@code count} tabs, the i-th made by {@code tab.apply(i)}, each at the account page ({@link #start()}), started on 32 threads. */
    public static List<ResetFlowClient> startTabs(int count, IntFunction<ResetFlowClient> tab) {
        return atOnce(IntStream.range(0, count).<Callable<ResetFlowClient>>mapToObj(i -> () -> tab.apply(i).start()).toList());
    }

    /**
     * Every tab submits {@code account} at the same instant (32 threads released together), as many
     * people or a script asking for one number at once; the answers in the tabs' order.
     */
    public static List<HttpResponse<String>> submitAccountAtOnce(List<ResetFlowClient> tabs, String account) {
        return atOnce(tabs.stream().<Callable<HttpResponse<String>>>map(tab -> () -> tab.submitAccount(account)).toList());
    }

    private static <T> List<T> atOnce(List<Callable<T>> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(32, tasks.size())));
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> pending = new ArrayList<>();
            for (Callable<T> task : tasks) {
                pending.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> result : pending) {
                results.add(result.get(60, TimeUnit.SECONDS));
            }
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("a request took over 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpRequest formPost(URI uri, Map<String, String> fields) {
        String body = new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return withTimeout(HttpRequest.newBuilder(uri)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", clientIp).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    public HttpResponse<String> get(URI uri) {
        return send(withTimeout(HttpRequest.newBuilder(on(node, uri))).header("X-Forwarded-For", clientIp).GET().build());
    }

    private HttpRequest.Builder withTimeout(HttpRequest.Builder request) {
        return requestTimeout == null ? request : request.timeout(requestTimeout);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            last = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            observer.accept(last);
            return last;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The page with everything that legitimately differs between two tabs blanked out: the
     * session codes, executions and tab ids in URLs, and nonces.
     */
    public static String comparable(String html, String... typed) {
        for (String t : typed) {
            html = html.replace(t, "ACCOUNT");
        }
        return html.replaceAll("(session_code|execution|tab_id|client_data|kc_locale)=[^&\"]*", "$1=X")
                .replaceAll("nonce=\"[^\"]*\"", "nonce=\"X\"")
                // the sign-in page's check of its own auth session (a hash of the session id)
                .replaceAll("checkAuthSession\\(\\s*\"[^\"]*\"", "checkAuthSession(\"X\"")
                // the countdown, which two requests may read a second apart
                .replaceAll("data-ocq-countdown=\"\\d+\"", "data-ocq-countdown=\"N\"").replaceAll("（\\d+ 秒）", "（N 秒）");
    }

    /**
     * One host's cookies, as Chromium keeps them for http://127.0.0.1 (a secure context, so
     * Keycloak's Secure cookies count); java.net.CookieManager would drop those over http.
     */
    private static final class CookieJar extends CookieHandler {
        private final Map<String, String> cookies = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
            if (cookies.isEmpty()) {
                return Map.of();
            }
            return Map.of("Cookie", List.of(cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "))));
        }

        @Override
        public void put(URI uri, Map<String, List<String>> responseHeaders) {
            responseHeaders.forEach((name, values) -> {
                if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                    for (String value : values) {
                        String pair = value.split(";", 2)[0];
                        int eq = pair.indexOf('=');
                        if (eq <= 0) {
                            continue;
                        }
                        String cookie = pair.substring(0, eq).strip();
                        String lower = value.toLowerCase(java.util.Locale.ROOT);
                        if (lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970") || pair.substring(eq + 1).isEmpty()) {
                            cookies.remove(cookie);
                        } else {
                            cookies.put(cookie, pair.substring(eq + 1).strip());
                        }
                    }
                }
            });
        }
    }

    private static String unescape(String s) {
        return s.replace("&amp;", "&");
    }
}
