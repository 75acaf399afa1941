package dev.sluice.tools.cli;

import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.config.ClientConfig;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where the clients of a command connect and with which settings: {@code --bootstrap-server}
 * (default localhost:9092) over the {@code bootstrap.servers} of the {@code --command-config}
 * properties file, whose other settings go to the command's clients.
 */
public final class ClientSettings {
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    private static final int CONNECT_TIMEOUT_MS = 3_000;

    /** Settings every client understands, so a helper admin can take them from a producer's or consumer's file. */
    private static final Set<String> SHARED_KEYS = Set.of("client.id", "request.timeout.ms", "retry.backoff.ms",
            "reconnect.backoff.ms", "reconnect.backoff.max.ms", "metadata.max.age.ms", "security.protocol");

    private final String bootstrap;
    private final Properties file;

    private ClientSettings(String bootstrap, Properties file) {
        this.bootstrap = bootstrap;
        this.file = file;
    }

    /** Reads {@code --bootstrap-server} and {@code --command-config}. */
    public static ClientSettings from(Args args) throws UsageException {
        Properties file = new Properties();
        String path = args.value("--command-config");
        if (path != null) {
            file = load(path, "--command-config");
        }
        String bootstrap = args.value("--bootstrap-server");
        if (bootstrap == null) {
            bootstrap = file.getProperty("bootstrap.servers", DEFAULT_BOOTSTRAP);
        }
        for (String server : bootstrap.split(",")) {
            if (!server.trim().matches(".+:\\d{1,5}")) {
                throw new UsageException("--bootstrap-server takes host:port[,host:port...], not '" + bootstrap + "'");
            }
        }
        return new ClientSettings(bootstrap, file);
    }

    /** A Java properties file, or a {@link CommandFailure} naming the option that gave it. */
    public static Properties load(String path, String option) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + option + " file: " + FailureText.of(e));
        }
        return properties;
    }

    /** The same settings with other bootstrap servers (e.g. bootstrap.servers given in --producer-props). */
    public ClientSettings withBootstrap(String servers) {
        return new ClientSettings(servers, file);
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** The file's settings, then {@code overrides}, with the bootstrap servers. */
    public Properties properties(Map<String, String> overrides) {
        Properties out = new Properties();
        out.putAll(file);
        out.putAll(overrides);
        out.put("bootstrap.servers", bootstrap);
        return out;
    }

    /** An admin client with all of the file's settings (for commands whose file is an admin config). */
    public SluiceAdmin admin() {
        return new SluiceAdmin(AdminConfig.from(properties(Map.of())));
    }

    /** An admin client with only the connection settings of the file (which may be a producer's or consumer's). */
    public SluiceAdmin helperAdmin() {
        Properties shared = new Properties();
        file.forEach((k, v) -> {
            String key = String.valueOf(k);
            // the connection's security goes along too: security.protocol, the ssl.* and the sasl.* settings (the login)
            if (SHARED_KEYS.contains(key) || ClientConfig.IGNORED_KAFKA_KEYS.contains(key) || key.startsWith("ssl.")
                    || key.startsWith("sasl.")) {
                shared.put(key, v);
            }
        });
        shared.put("bootstrap.servers", bootstrap);
        return new SluiceAdmin(AdminConfig.from(shared));
    }

    /**
     * Fails fast, naming the fix, when no bootstrap server accepts a TCP connection: otherwise the
     * clients would retry quietly until their timeouts (a minute) before saying anything.
     */
    public void requireReachable() {
        List<String> tried = new ArrayList<>();
        for (String server : bootstrap.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            String host = s.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(s.substring(colon + 1));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException | IllegalArgumentException e) {
                tried.add(s);
            }
        }
        throw new CommandFailure(cannotReach(String.join(", ", tried)));
    }

    public static String cannotReach(String servers) {
        return "cannot reach " + servers + ": is a broker running? start one with ./sluice server or pass --bootstrap-server";
    }
}
