package com.ocq.keycloak.admin.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.BrowserSecurityHeaders;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;
import org.keycloak.util.JsonSerialization;

/**
 * The OCQ employee-accounts page, {@code /realms/{realm}/ocq-admin/}: one HTML page, its script
 * and stylesheet, all from this jar. The page signs the administrator in with the realm's public
 * client {@value #CLIENT_ID} (PKCE) and calls the OCQ admin API; this resource itself needs no
 * sign-in and serves nothing but these three files. Texts come from {@code ocq-admin/messages_*.properties}.
 */
public final class AdminPage {

    static final String CLIENT_ID = "ocq-admin-page";
    static final String LANGUAGE_COOKIE = "OCQ_ADMIN_LANG";
    private static final Map<String, String> OTHER_LANGUAGE = Map.of("zh-CN", "en", "en", "zh-CN");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
    private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();

    private final KeycloakSession session;

    AdminPage(KeycloakSession session) {
        this.session = session;
    }

    @GET
    public Response page(@QueryParam("lang") String lang, @CookieParam(LANGUAGE_COOKIE) String cookie) {
        RealmModel realm = session.getContext().getRealm();
        if (session.clients().getClientByClientId(realm, CLIENT_ID) == null) {
            throw new NotFoundException("The realm has no client " + CLIENT_ID);
        }
        URI frontend = session.getContext().getUri(UrlType.FRONTEND).getBaseUri();
        String realmUrl = UriBuilder.fromUri(frontend).path("realms").path(realm.getName()).build().toString();
        String pageUrl = realmUrl + "/" + AdminPageProviderFactory.PROVIDER_ID + "/";
        if (!session.getContext().getUri().getRequestUri().getRawPath().endsWith("/")) {
            return Response.seeOther(URI.create(pageUrl)).build();
        }
        URI admin = session.getContext().getUri(UrlType.ADMIN).getBaseUri();
        String adminUrl = UriBuilder.fromUri(admin).path("admin").path("realms").path(realm.getName()).build().toString();

        String language = supported(lang) ? lang : supported(cookie) ? cookie
                : "en".equals(session.getContext().resolveLocale(null).getLanguage()) ? "en" : "zh-CN";
        Map<String, String> messages = messages(language);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("realm", realm.getName());
        config.put("realmUrl", realmUrl);
        config.put("adminUrl", adminUrl);
        config.put("clientId", CLIENT_ID);
        config.put("redirectUri", pageUrl);
        config.put("locale", language);
        config.put("messages", messages);

        Map<String, String> values = new TreeMap<>();
        messages.forEach((key, text) -> values.put(key, html(text)));
        values.put("lang", language);
        values.put("otherLang", OTHER_LANGUAGE.get(language));
        values.put("base", html(pageUrl));
        values.put("realmName", html(realm.getDisplayName() == null ? realm.getName() : realm.getDisplayName()));
        values.put("config", scriptData(config));
        String body = fill(resource("index.html"), values);

        Response.ResponseBuilder response = Response.ok(body, "text/html; charset=utf-8");
        securityHeaders(response, realm, frontend, admin);
        if (supported(lang)) {
            response.cookie(new NewCookie.Builder(LANGUAGE_COOKIE).value(lang).path(URI.create(pageUrl).getRawPath())
                    .maxAge(365 * 24 * 3600).httpOnly(true).secure("https".equals(frontend.getScheme()))
                    .sameSite(NewCookie.SameSite.LAX).build());
        }
        return response.build();
    }

    /**
     * This page's own headers: a CSP that allows only its script, stylesheet and the calls to
     * Keycloak, no framing, no referrer, never cached. Keycloak would replace them with the realm's
     * headers for its own pages, so it is told to skip this response.
     */
    private void securityHeaders(Response.ResponseBuilder response, RealmModel realm, URI frontend, URI admin) {
        session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
        String self = "'self'" + (sameOrigin(frontend, admin) ? "" : " " + origin(admin))
                + (sameOrigin(frontend, session.getContext().getUri().getBaseUri()) ? "" : " " + origin(frontend));
        response.header("Content-Security-Policy", "default-src 'none'; script-src " + self + "; style-src " + self
                        + "; connect-src " + self + "; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("X-Robots-Tag", "none");
        String hsts = realm.getBrowserSecurityHeaders().getOrDefault(BrowserSecurityHeaders.STRICT_TRANSPORT_SECURITY.getKey(),
                BrowserSecurityHeaders.STRICT_TRANSPORT_SECURITY.getDefaultValue());
        if (hsts != null && !hsts.isEmpty()) {
            response.header(BrowserSecurityHeaders.STRICT_TRANSPORT_SECURITY.getHeaderName(), hsts);
        }
    }

    private static boolean supported(String language) {
        return language != null && OTHER_LANGUAGE.containsKey(language);
    }

    @GET
    @Path("app.js")
    public Response script() {
        return asset("app.js", "text/javascript; charset=utf-8");
    }

    @GET
    @Path("app.css")
    public Response style() {
        return asset("app.css", "text/css; charset=utf-8");
    }

    private static Response asset(String name, String type) {
        return Response.ok(resource(name), type).header("Cache-Control", "no-cache").header("X-Content-Type-Options", "nosniff").build();
    }

    /** A file of the page, read once from the jar. */
    static String resource(String name) {
        return (String) CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = AdminPage.class.getResourceAsStream("/ocq-admin/" + n)) {
                if (in == null) {
                    throw new IllegalStateException("Missing /ocq-admin/" + n + " in the jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The page's texts in {@code language} (zh-CN or en), from the UTF-8 bundles next to the page. */
    @SuppressWarnings("unchecked")
    static Map<String, String> messages(String language) {
        return (Map<String, String>) CACHE.computeIfAbsent("messages:" + language, k -> {
            Properties properties = new Properties();
            String name = "/ocq-admin/messages_" + language.replace('-', '_') + ".properties";
            try (InputStream in = AdminPage.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("Missing " + name + " in the jar");
                }
                properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> messages = new TreeMap<>();
            properties.stringPropertyNames().forEach(key -> messages.put(key, properties.getProperty(key)));
            return Map.copyOf(messages);
        });
    }

    /** Replaces each {@code ${name}}; an unknown name is a bug in the page, so it fails loudly. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("No value for ${" + m.group(1) + "} in the OCQ admin page");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String html(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** JSON that is safe inside {@code <script type="application/json">}: no {@code <}, {@code >} or {@code &} as such. */
    static String scriptData(Object value) {
        try {
            return JsonSerialization.writeValueAsString(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return origin(a).equals(origin(b));
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
