package dev.sluice.broker.it;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19.3: a broker out of file descriptors ("Too many open files" on accept) must neither
 * spin logging accept failures nor hang on SIGTERM. The broker runs in a child JVM started under
 * {@code ulimit -n}, its shutdown wired to SIGTERM as {@code sluice server} wires it; the test
 * opens more connections than the child has descriptors.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class DescriptorExhaustionTest {
    private static final String STOPPED = "CHILD STOPPED";

    /** The child: a broker whose shutdown hook closes it, like the CLI's server command. */
    public static void main(String[] args) throws Exception {
        Broker broker = Broker.start(BrokerConfig.fromArgs(args));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            System.err.println(STOPPED);
        }));
        System.out.println(ChildBroker.READY + broker.bootstrapServers());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    @TempDir
    Path dir;

    @Test
    void acceptFailuresAreThrottledAndSigtermStillStopsTheBroker() throws Exception {
        Path log = dir.resolve("child.log");
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String classPath = String.join(File.pathSeparator, System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""),
                Path.of(System.getProperty("basedir", "."), "target", "test-classes").toAbsolutePath().toString());
        String command = "ulimit -n 400 && exec \"$0\" -Xmx256m -cp \"$1\" " + DescriptorExhaustionTest.class.getName()
                + " listeners=PLAINTEXT://127.0.0.1:0 log.dirs=\"$2\"";
        Process child = new ProcessBuilder("bash", "-c", command, javaCommand, classPath, dir.resolve("data").toString())
                .redirectError(log.toFile()).start();
        List<Socket> sockets = new ArrayList<>();
        try {
            String[] hostPort = ChildBroker.awaitBootstrap(child).split(":");
            InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
            // more connections than the child's 400 descriptors; a connect that times out (backlog full
            // while a loaded child catches up) is simply tried again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("accept failed") && System.nanoTime() < deadline) {
                for (int i = 0; i < 25 && sockets.size() < 600; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(address, 2_000);
                        sockets.add(s);
                    } catch (IOException backlogFull) {
                        s.close();
                    }
                }
                Thread.sleep(20);
            }
            assertThat(Files.readString(log)).as("the child ran out of descriptors").contains("accept failed");
            Thread.sleep(2_000); // accepts keep failing: the descriptors stay taken
            long warnings = Files.readString(log).lines().filter(l -> l.contains("accept failed")).count();
            assertThat(warnings).as("accept failures warned about, not logged in a tight loop").isBetween(1L, 2L);

            child.destroy(); // SIGTERM, with every connection still open
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("SIGTERM stops the broker").isTrue();
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains(STOPPED);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            if (child.isAlive()) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
