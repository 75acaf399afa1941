package dev.sluice.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.SluiceAdmin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real broker on a free loopback port with its data in a temp dir, and {@link #sluice} to run
 * a command line against it the way {@code main} does, capturing stdout and stderr.
 */
abstract class BrokerTestBase {
    @TempDir
    Path dir;

    Broker broker;
    SluiceAdmin admin;
    String bootstrap;

    /** What one command run printed and returned. */
    record Result(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeEach
    void startBroker() throws IOException {
        int port = freePort();
        broker = Broker.start(BrokerConfig.of(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:" + port,
                "log.dirs", dir.resolve("data").toString(),
                "num.io.threads", "2",
                "num.network.threads", "1",
                "auto.create.topics.enable", "false",
                "group.initial.rebalance.delay.ms", "0")));
        bootstrap = broker.bootstrapServers();
        admin = new SluiceAdmin(AdminConfig.of(bootstrap));
    }

    @AfterEach
    void stopBroker() throws InterruptedException {
        admin.close();
        broker.close();
        assertNoClientThreadsLeft();
    }

    /** Every command closes its clients: no I/O thread of a Sluice client outlives it. */
    private static void assertNoClientThreadsLeft() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.matches("sluice-(admin|producer|consumer)-io-.*")).toList();
            if (!left.isEmpty()) {
                Thread.sleep(20);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertThat(left).as("client threads still running").isEmpty();
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** Runs {@code sluice <args> --bootstrap-server <broker>}. */
    Result sluice(String... args) {
        return sluiceWithInput("", args);
    }

    Result sluiceWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(bootstrap);
        return run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), all.toArray(String[]::new));
    }

    /** Runs exactly {@code args}. */
    static Result run(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Sluice.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
