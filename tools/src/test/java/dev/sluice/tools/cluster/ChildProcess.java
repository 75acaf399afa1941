package dev.sluice.tools.cluster;

import dev.sluice.tools.ChildJvm;
import dev.sluice.tools.Sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code sluice} command running in its own JVM, its standard output and error both going to
 * one log file (so nothing blocks on a full pipe and the log outlives the process), with the
 * signals a failure test sends: kill -9, SIGSTOP, SIGCONT.
 *
 * <p>Threads: the test's thread (the harness's close may run on a shutdown hook).
 */
final class ChildProcess {
    private final String name;
    private final Process process;
    private final Path log;
    private volatile boolean paused;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code sluice <args>} with a small heap and a JIT that starts fast (four JVMs share two cores). */
    static ChildProcess start(String name, Path log, String heap, List<String> args) throws IOException {
        // lmdbjava (log.storage=lmdb), on the class path here, reaches into java.nio as the launcher allows it to
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaCommand(), "-Xmx" + heap, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", ChildJvm.classPath(), Sluice.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChildProcess(name, process, log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    boolean isPaused() {
        return paused;
    }

    /**
     * Waits for the line starting with {@code ready} in the log and returns what follows it up to
     * the next comma (the address the process serves on).
     *
     * @throws IOException if the process exits or the timeout passes first
     */
    String awaitReady(String ready, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith(ready)) {
                    int comma = line.indexOf(',', ready.length());
                    return line.substring(ready.length(), comma < 0 ? line.length() : comma);
                }
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited (" + process.exitValue() + ") before it was ready; its log:\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " not ready within " + timeout.toMillis() + " ms; its log:\n" + tail(40));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** kill -9: no shutdown hook, no flush, the socket closed by the kernel. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " survived kill -9");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    /** SIGTERM: the process's shutdown hook runs (a broker's clean, controlled shutdown); waits until it exited. */
    void terminate(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + timeout.toMillis() + " ms of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    /** SIGSTOP: every thread frozen, sockets open, as in a long GC pause or a VM stall. */
    void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() {
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + (process.isAlive() ? paused ? ", paused" : "" : ", exited") + ")";
    }
}
