package dev.sluice.broker.it;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker in a child JVM, for crash tests. {@link #main} takes the broker's command line
 * ({@code key=value}...), prints {@code LISTENING host:port} once serving, and shuts down cleanly
 * when its standard input closes; a test kills it with {@link Process#destroyForcibly()} instead.
 */
final class ChildBroker {
    static final String READY = "LISTENING ";

    private ChildBroker() {
    }

    public static void main(String[] args) throws IOException {
        Broker broker = Broker.start(BrokerConfig.fromArgs(args));
        System.out.println(READY + broker.bootstrapServers());
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close our input
        }
        broker.close();
    }

    /** Starts a child broker; its log goes to {@code stderr}. */
    static Process start(Path stderr, String... settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx256m", poisonFramesFlag(), "-cp",
                childClassPath(), ChildBroker.class.getName()));
        command.addAll(List.of(settings));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    /** Passes the test run's frame poisoning (see the broker pom) on to child brokers. */
    static String poisonFramesFlag() {
        return "-Dsluice.network.poisonReleasedFrames=" + Boolean.getBoolean("sluice.network.poisonReleasedFrames");
    }

    /** Reads the child's output until it says where it listens. */
    static String awaitBootstrap(Process child) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = child.getInputStream().read()) != -1) {
            if (c == '\n') {
                String text = line.toString().trim();
                if (text.startsWith(READY)) {
                    return text.substring(READY.length());
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        throw new IOException("child broker exited before listening: " + new String(line.toString()
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Surefire runs the broker on the module path with the tests patched in; the child puts it all on the class path. */
    private static String childClassPath() {
        List<String> entries = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                entries.add(value);
            }
        }
        entries.add(Path.of(System.getProperty("basedir", "."), "target", "test-classes").toAbsolutePath().toString());
        return String.join(File.pathSeparator, entries);
    }
}
