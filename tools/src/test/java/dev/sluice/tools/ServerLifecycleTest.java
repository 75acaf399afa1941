package dev.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Process server = new ProcessBuilder(ChildJvm.javaCommand(), "-Xmx256m", "-cp", ChildJvm.classPath(), Sluice.class.getName(),
                "server", "listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + data)
                .redirectError(stderr.toFile()).start();
        try {
            String bootstrap = ChildJvm.awaitReady(server, READY, "sluice server");
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
}
