package com.ocq.keycloak.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback SMTP server just big enough for Keycloak's mail sender (EHLO, MAIL, RCPT, DATA, QUIT,
 * no auth, no TLS): keeps the newest reset link per recipient.
 */
final class SmtpSink implements AutoCloseable {

    private static final Pattern LINK = Pattern.compile("(https?://[^\\s\"'<>]+/login-actions/action-token\\?[^\\s\"'<>]+)");

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smtp-sink");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> links = new ConcurrentHashMap<>();
    private final AtomicInteger messages = new AtomicInteger();

    SmtpSink() {
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    int messages() {
        return messages.get();
    }

    /** The newest reset link mailed to {@code address}, removed so that the next flow waits for its own; null if none yet. */
    String takeLink(String address) {
        return links.remove(address.toLowerCase(Locale.ROOT));
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = socket.getOutputStream()) {
            reply(out, "220 bench-sink ESMTP");
            List<String> recipients = new ArrayList<>();
            for (int lines = 0; lines < 10_000; lines++) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-bench-sink\r\n250 8BITMIME");
                    case "HELO", "NOOP" -> reply(out, "250 OK");
                    case "MAIL" -> {
                        recipients.clear();
                        reply(out, "250 OK");
                    }
                    case "RCPT" -> {
                        Matcher m = Pattern.compile("<([^>]*)>").matcher(line);
                        if (m.find()) {
                            recipients.add(m.group(1).toLowerCase(Locale.ROOT));
                        }
                        reply(out, "250 OK");
                    }
                    case "RSET" -> {
                        recipients.clear();
                        reply(out, "250 OK");
                    }
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        StringBuilder data = new StringBuilder();
                        for (int n = 0; n < 100_000; n++) {
                            String d = in.readLine();
                            if (d == null || d.equals(".")) {
                                break;
                            }
                            data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
                        }
                        String link = link(data.toString());
                        messages.incrementAndGet();
                        if (link != null) {
                            for (String r : recipients) {
                                links.put(r, link);
                            }
                        }
                        reply(out, "250 OK queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 Bye");
                        return;
                    }
                    default -> reply(out, "250 OK");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The action-token link in a message, whatever transfer encoding Jakarta Mail chose. */
    static String link(String message) {
        String quotedPrintable = message.replace("=\r\n", "").replace("=3D", "=");
        Matcher m = LINK.matcher(quotedPrintable);
        if (m.find()) {
            return m.group(1).replace("&amp;", "&");
        }
        Matcher b64 = Pattern.compile("Content-Transfer-Encoding: base64\r\n(?:[^\r\n]+\r\n)*\r\n((?:[A-Za-z0-9+/=]+\r\n)+)",
                Pattern.CASE_INSENSITIVE).matcher(message);
        while (b64.find()) {
            String decoded = new String(Base64.getMimeDecoder().decode(b64.group(1)), StandardCharsets.UTF_8);
            Matcher d = LINK.matcher(decoded);
            if (d.find()) {
                return d.group(1).replace("&amp;", "&");
            }
        }
        return null;
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
