package dev.sluice.broker.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the broker fuzz tests share: sending bytes on a fresh connection and seeing how the broker
 * answers ({@link #exchange}), byte mutations, running the cases on a few client threads, and the
 * afterwards checks' measurements (broker threads, heap). Stateless; any thread.
 */
final class FuzzWire {
    /** The fuzz tests' fixed seed: every run throws the same bytes. */
    static final long SEED = 0x51_1CE_F022L;
    /** Client threads sending cases at once. */
    static final int WORKERS = 4;

    private FuzzWire() {
    }

    /** How the broker treated one case: a whole response frame came; or the connection neither answered nor closed. */
    record Outcome(boolean responded, boolean timedOut) {
    }

    /**
     * Sends the bytes on a fresh connection and waits up to {@code answerWaitMs} for a whole response
     * frame. Without one, half-closes the connection (a broker waiting for the rest of a truncated
     * frame then sees the end of the stream) and reads until the broker closes, for at most a second.
     */
    static Outcome exchange(int port, byte[] bytes, int answerWaitMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                return new Outcome(false, false); // the broker closed first
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            try {
                socket.setSoTimeout(answerWaitMs);
                int size = in.readInt();
                socket.setSoTimeout(5_000);
                in.readFully(new byte[size]);
                return new Outcome(true, false);
            } catch (SocketTimeoutException e) {
                // no answer (yet): fall through to the half-close
            } catch (IOException e) {
                return new Outcome(false, false); // closed by the broker
            }
            try {
                socket.shutdownOutput();
                socket.setSoTimeout(1_000);
                while (in.read() != -1) {
                    // drain until the broker closes
                }
                return new Outcome(false, false);
            } catch (SocketTimeoutException e) {
                socket.setSoLinger(true, 0); // reset rather than linger
                return new Outcome(false, true);
            } catch (IOException e) {
                return new Outcome(false, false);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The port of a {@code host:port} bootstrap address. */
    static int port(String bootstrap) {
        return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }

    /** Runs cases {@code 0 .. count-1} spread over {@link #WORKERS} client threads; fails on the first failing case. */
    static void inParallel(int count, IntConsumer fuzzCase) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                done.add(workers.submit(() -> {
                    for (int i = worker; i < count; i += WORKERS) {
                        fuzzCase.accept(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Flips bytes, truncates, or replaces with noise (sizes inside the bytes are not kept consistent). */
    static byte[] mutate(Random random, byte[] bytes) {
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(3); n > 0 && bytes.length > 0; n--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                }
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            }
            case 2 -> {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                return noise;
            }
            default -> {
                return bytes;
            }
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The broker's threads now, to check afterwards that none died. */
    static List<Thread> brokerThreads() {
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sluice-")).toList();
        assertThat(threads).isNotEmpty();
        return threads;
    }

    static void assertAlive(List<Thread> brokerThreads) {
        assertThat(brokerThreads).allSatisfy(t -> assertThat(t.isAlive()).as("thread %s alive", t.getName()).isTrue());
    }

    static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
