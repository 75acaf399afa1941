package dev.sluice.tools;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests that run {@code sluice} as a real process (signals, pipes) need to start it in a
 * child JVM and wait until it serves.
 *
 * <p>Threads: the calling test's thread.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The java launcher running this test. */
    public static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Surefire runs the tools on the module path; the child takes everything on the class path
     * (no split package there).
     */
    public static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                entries.add(value);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Reads the child's standard output until the line starting with {@code ready}; returns what
     * follows {@code ready} up to the next comma (the address it serves on).
     *
     * @throws IOException if the child's output ends first ({@code command} names it)
     */
    public static String awaitReady(Process process, String ready, String command) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(ready)) {
                return line.substring(ready.length(), line.indexOf(',', ready.length()));
            }
        }
        throw new IOException(command + " exited before it was ready");
    }
}
