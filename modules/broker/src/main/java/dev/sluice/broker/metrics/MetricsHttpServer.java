package dev.sluice.broker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The Prometheus endpoint: {@code GET /metrics} on {@code metrics.host}:{@code metrics.port}
 * answers the registry's text format; anything else is 404 (wrong method 405). The JDK's own HTTP
 * server ({@code jdk.httpserver}), no dependency. Threads: one thread of its own
 * ({@code sluice-metrics-http}) serves scrapes one at a time; start and close from the broker's.
 */
final class MetricsHttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MetricsHttpServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;

    MetricsHttpServer(String host, int port, Supplier<String> scrape) throws IOException {
        InetSocketAddress address = host == null || host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        this.server = HttpServer.create(address, 16);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, scrape);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "metrics request failed: " + e);
            }
        });
        server.start();
    }

    private static void handle(HttpExchange exchange, Supplier<String> scrape) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/metrics")) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().add("Allow", "GET, HEAD");
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", PrometheusText.CONTENT_TYPE);
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
