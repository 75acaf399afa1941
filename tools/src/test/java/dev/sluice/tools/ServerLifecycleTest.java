package dev.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice server} as a real process: it serves, and SIGTERM shuts it down cleanly. */
class ServerLifecycleTest {
    private static final String READY = "Sluice is running: bootstrap.servers=";

    @TempDir
    Path dir;

    @Test
    void sigtermShutsTheServerDownCleanly() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("server.err");
        Process server = new ProcessBuilder(javaCommand(), "-Xmx256m", "-cp", classPath(), Sluice.class.getName(),
                "server", "listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + data)
                .redirectError(stderr.toFile()).start();
        try {
            String bootstrap = awaitReady(server);
            String[] hostPort = bootstrap.split(":");
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))) {
                assertThat(client.isConnected()).isTrue();
            }
            assertThat(data.resolve(".sluice_cleanshutdown")).doesNotExist();

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(stderr)).contains("shutting down cleanly").contains("stopped");
            assertThat(data.resolve(".sluice_cleanshutdown")).exists();
            assertThat(data.resolve("meta.properties")).exists();
        } finally {
            server.destroyForcibly();
        }
    }

    private static String awaitReady(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(READY)) {
                return line.substring(READY.length(), line.indexOf(',', READY.length()));
            }
        }
        throw new IOException("sluice server exited before it was ready");
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Surefire runs the tools on the module path; the child takes everything on the class path. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                entries.add(value);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
