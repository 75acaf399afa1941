package dev.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice zookeeper} as a real process: a ZooKeeper server that answers, keeps its data where told, stops on SIGTERM. */
class ZooKeeperCommandTest {
    private static final String READY = "ZooKeeper is running: zookeeper.connect=";

    @TempDir
    Path dir;

    @Test
    void runsAZooKeeperServerUntilSigterm() throws Exception {
        Path data = dir.resolve("zk");
        Path stderr = dir.resolve("zk.err");
        Process zk = new ProcessBuilder(ChildJvm.javaCommand(), "-Xmx256m", "-cp", ChildJvm.classPath(), Sluice.class.getName(),
                "zookeeper", "--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString())
                .redirectError(stderr.toFile()).start();
        try {
            String connect = ChildJvm.awaitReady(zk, READY, "sluice zookeeper");
            int port = Integer.parseInt(connect.substring(connect.indexOf(':') + 1));
            // ZooKeeper's own four-letter "srvr" (allowed by default) proves a ZooKeeper server answers
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
                String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(reply).startsWith("Zookeeper version: 3.9.").contains("Mode: standalone");
            }
            assertThat(data.resolve("version-2")).isDirectory();

            zk.destroy(); // SIGTERM
            assertThat(zk.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(stderr)).contains("sluice zookeeper: stopped");
        } finally {
            zk.destroyForcibly();
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new ZooKeeperCommand().run(new String[] {"--port", "many"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a number").contains("sluice zookeeper --help");
        err.reset();
        assertThat(new ZooKeeperCommand().run(new String[] {"--prot", "1"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --prot");
    }
}
