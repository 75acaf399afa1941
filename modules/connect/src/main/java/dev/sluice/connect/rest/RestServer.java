package dev.sluice.connect.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.runtime.AlreadyExistsException;
import dev.sluice.connect.runtime.Herder;
import dev.sluice.connect.runtime.NotFoundException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Kafka Connect's REST interface on the JDK's HTTP server: requests are decoded here, answered by
 * {@link ConnectResources} through the herder, and errors mapped to Kafka's
 * {@code {"error_code": n, "message": "..."}} bodies (404 unknown, 409 exists, 400 invalid, 500 else).
 * Requests run on a small pool of its own threads.
 */
public final class RestServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RestServer.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile ConnectResources resources;

    /** A response: status, and a JSON value or null for no body. */
    record Reply(int status, Object body) {
        static Reply ok(Object body) {
            return new Reply(200, body);
        }
    }

    /** Starts listening; with a null herder it answers 503 until {@link #serve} (the worker id needs the port first). */
    public RestServer(Herder herder, String host, int port) throws IOException {
        this.resources = herder == null ? null : new ConnectResources(herder);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 50);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "connect-rest");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.log(System.Logger.Level.INFO, "REST interface listening on http://" + host + ":" + port());
    }

    /** Parses Kafka's {@code listeners} form ({@code http://host:port}, host may be empty: all interfaces). */
    public static RestServer start(Herder herder, String listener) throws IOException {
        URI uri = URI.create(listener.replace("://:", "://0.0.0.0:"));
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new ConfigException("listeners: only http:// is supported, not " + listener);
        }
        return new RestServer(herder, uri.getHost(), uri.getPort() < 0 ? 8083 : uri.getPort());
    }

    public void serve(Herder herder) {
        this.resources = new ConnectResources(herder);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            String body = readBody(exchange.getRequestBody());
            Object json = body.isBlank() ? null : JsonReader.parse(body);
            ConnectResources r = resources;
            reply = r == null ? error(503, "the worker is starting") : r.route(exchange.getRequestMethod(), exchange.getRequestURI(), json);
        } catch (NotFoundException e) {
            reply = error(404, e.getMessage());
        } catch (AlreadyExistsException e) {
            reply = error(409, e.getMessage());
        } catch (ConfigException | IllegalArgumentException e) {
            reply = error(400, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "REST " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI() + " failed", e);
            reply = error(500, String.valueOf(e.getMessage()));
        }
        byte[] out = reply.body() == null ? new byte[0]
                : JsonWriter.write(reply.body(), JsonWriter.Others.AS_STRING).getBytes(StandardCharsets.UTF_8);
        if (out.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    static Reply error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", status);
        body.put("message", message);
        return new Reply(status, body);
    }

    private static String readBody(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
