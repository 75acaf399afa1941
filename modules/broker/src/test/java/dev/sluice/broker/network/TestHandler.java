package dev.sluice.broker.network;

import dev.sluice.protocol.Send;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler driven by the payload: the first byte is a command, the next int its argument, the
 * rest is echoed. Records what it saw so tests can assert on ordering and concurrency.
 * <ul>
 *   <li>{@code E}: echo now; {@code D}: echo after {@code arg} ms from another thread</li>
 *   <li>{@code N}: respond nothing; {@code C}: close the connection; {@code X}: throw</li>
 *   <li>{@code H}: hold: park the request in {@link #held} for the test to complete</li>
 *   <li>{@code B}: block in the handler until {@link #release} opens</li>
 *   <li>{@code T}: echo now, throttling the connection for {@code arg} ms (a quota)</li>
 * </ul>
 */
final class TestHandler implements RequestHandler, AutoCloseable {
    final ScheduledExecutorService delayer = Executors.newScheduledThreadPool(2);
    final List<Integer> completionOrder = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<NetworkRequest> held = new LinkedBlockingQueue<>();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch blocked = new CountDownLatch(1);
    final AtomicInteger handled = new AtomicInteger();
    final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<Long, NetworkRequest> inHandle = new ConcurrentHashMap<>();

    static byte[] command(char op, int arg, int seq) {
        return ByteBuffer.allocate(9).put((byte) op).putInt(arg).putInt(seq).array();
    }

    static int seqOf(byte[] response) {
        return ByteBuffer.wrap(response).getInt(5);
    }

    /**
     * A complete response frame echoing {@code payload}. A copy, as the protocol layer's writer
     * makes: the payload's buffer goes back to the pool when the request completes.
     */
    static Send echo(ByteBuffer payload) {
        ByteBuffer body = ByteBuffer.allocate(payload.limit()).put(payload.duplicate().position(0)).flip();
        return Send.of(ByteBuffer.allocate(4).putInt(0, body.remaining()), body);
    }

    @Override
    public void handle(NetworkRequest request) throws Exception {
        // The contract: the next handle() for a connection starts only after this one returned or completed its request.
        if (inHandle.put(request.connectionId(), request) != null) {
            violations.add("handle() overlapped on connection " + request.connectionId());
        }
        try {
            handled.incrementAndGet();
            ByteBuffer p = request.payload();
            char op = (char) p.get(0);
            int arg = p.getInt(1);
            int seq = p.remaining() >= 9 ? p.getInt(5) : -1;
            switch (op) {
                case 'E' -> {
                    leave(request);
                    complete(request, seq);
                }
                case 'D' -> {
                    leave(request); // once another thread may complete it, the next handle() may begin
                    delayer.schedule(() -> complete(request, seq), arg, TimeUnit.MILLISECONDS);
                }
                case 'N' -> {
                    leave(request);
                    completionOrder.add(seq);
                    request.respondNothing();
                }
                case 'T' -> {
                    leave(request);
                    completionOrder.add(seq);
                    request.respond(echo(request.payload()), arg);
                }
                case 'C' -> {
                    leave(request);
                    request.closeConnection();
                }
                case 'X' -> throw new IllegalStateException("handler failure requested by the test");
                case 'H' -> {
                    leave(request);
                    held.add(request);
                }
                case 'B' -> {
                    blocked.countDown();
                    release.await();
                    leave(request);
                    complete(request, seq);
                }
                default -> throw new IllegalArgumentException("unknown op " + op);
            }
        } finally {
            leave(request);
        }
    }

    private void leave(NetworkRequest request) {
        inHandle.remove(request.connectionId(), request);
    }

    private void complete(NetworkRequest request, int seq) {
        completionOrder.add(seq);
        request.respond(echo(request.payload()));
    }

    List<Integer> completionOrder() {
        return Collections.unmodifiableList(completionOrder);
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        delayer.shutdownNow();
        delayer.awaitTermination(5, TimeUnit.SECONDS);
    }
}
