package dev.sluice.broker.controller.network;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.broker.controller.ControlMessage;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends one broker its control requests, one at a time and in order, on its own thread
 * ({@code sluice-control-<controller>-to-<broker>}), over one blocking connection: Kafka's
 * {@code RequestSendThread}. A request that cannot be delivered or answered (connection refused,
 * reset, timed out) is retried on a new connection after a backoff growing to 10 × the initial one,
 * until it is answered or the sender is stopped (the broker left, or the controller resigned or
 * closed). An answer with an error (STALE_CONTROLLER_EPOCH, STALE_BROKER_EPOCH) is final: logged,
 * not retried, since the broker has decided.
 *
 * <p>Threads: {@link #enqueue} and {@link #stop} from the controller's thread (or any); everything
 * else on the sender's own thread.
 */
final class BrokerSender {
    private static final System.Logger LOG = System.getLogger(BrokerSender.class.getName());

    private final int controllerId;
    private final int brokerId;
    private final Supplier<Optional<BrokerEndpoint>> endpoint;
    private final int socketTimeoutMs;
    private final long retryBackoffMs;
    private final Listener listener;
    private final LinkedBlockingQueue<ControlMessage> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile SocketChannel channel;
    private int correlationId;

    /** Told of each answered request (tests, metrics). */
    interface Listener {
        void answered(int brokerId, ControlMessage message, Errors error);
    }

    BrokerSender(int controllerId, int brokerId, Supplier<Optional<BrokerEndpoint>> endpoint, int socketTimeoutMs,
                 long retryBackoffMs, Listener listener) {
        this.controllerId = controllerId;
        this.brokerId = brokerId;
        this.endpoint = endpoint;
        this.socketTimeoutMs = socketTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
        this.listener = listener;
        this.thread = new Thread(this::run, "sluice-control-" + controllerId + "-to-" + brokerId);
        thread.setDaemon(true);
        thread.start();
    }

    void enqueue(ControlMessage message) {
        queue.add(message);
    }

    /** Drops what is queued, aborts the request in flight and ends the thread (without waiting). */
    void stop() {
        stopped.countDown();
        queue.clear();
        closeChannel();
        thread.interrupt();
    }

    /** Waits for the thread to end after {@link #stop}. */
    void join(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
    }

    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void run() {
        try {
            while (!isStopped()) {
                ControlMessage message = queue.poll(1, TimeUnit.SECONDS);
                if (message != null) {
                    deliver(message);
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } finally {
            closeChannel();
        }
    }

    /** Sends until answered or stopped. */
    private void deliver(ControlMessage message) throws InterruptedException {
        ControlRequests.Encoded request = ControlRequests.encode(message);
        long backoff = retryBackoffMs;
        int attempts = 0;
        while (!isStopped()) {
            try {
                Errors error = exchange(request);
                if (error != Errors.NONE) {
                    LOG.log(System.Logger.Level.WARNING, "broker {0} refused {1} from controller {2} (epoch {3}): {4}",
                            brokerId, request.api(), controllerId, message.controllerEpoch(), error);
                }
                listener.answered(brokerId, message, error);
                return;
            } catch (IOException | RuntimeException e) {
                closeChannel();
                if (isStopped()) {
                    return;
                }
                attempts++;
                // first failure at DEBUG (a broker starting up), repeated ones at WARNING, not every time
                System.Logger.Level level = attempts == 3 || attempts % 50 == 0 ? System.Logger.Level.WARNING
                        : System.Logger.Level.DEBUG;
                LOG.log(level, "sending {0} to broker {1} failed ({2} attempts, retrying): {3}", request.api(), brokerId,
                        attempts, e.toString());
            }
            if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
                return;
            }
            backoff = Math.min(backoff * 2, retryBackoffMs * 10);
        }
    }

    /** One request and its answer; the top-level error code of the answer. */
    private Errors exchange(ControlRequests.Encoded request) throws IOException {
        SocketChannel ch = connected();
        int id = ++correlationId;
        Send send = RequestWriter.write(new RequestHeader(request.api(), request.version(), id,
                "sluice-controller-" + controllerId), request.body());
        while (!send.writeTo(ch)) {
            Thread.onSpinWait(); // a blocking channel takes everything; loop only for safety
        }
        DataInputStream in = new DataInputStream(ch.socket().getInputStream());
        int size = in.readInt();
        if (size < 4 || size > 64 << 20) {
            throw new IOException("invalid response size " + size);
        }
        byte[] frame = new byte[size];
        in.readFully(frame);
        ResponseParser.Response response = ResponseParser.parse(ByteBuffer.wrap(frame), request.api(), request.version());
        if (response.correlationId() != id) {
            throw new IOException("correlation id " + response.correlationId() + " answered, " + id + " expected");
        }
        return Errors.forCode(response.body().getShort("ErrorCode"));
    }

    private SocketChannel connected() throws IOException {
        SocketChannel ch = channel;
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        BrokerEndpoint target = endpoint.get()
                .orElseThrow(() -> new IOException("broker " + brokerId + " has no registered endpoint"));
        ch = SocketChannel.open();
        channel = ch;
        if (isStopped()) { // stop() may have run between the checks: never leave an open channel behind
            closeChannel();
            throw new IOException("stopped");
        }
        ch.socket().setTcpNoDelay(true);
        ch.socket().setSoTimeout(socketTimeoutMs);
        ch.socket().connect(new InetSocketAddress(target.host(), target.port()), socketTimeoutMs);
        return ch;
    }

    private void closeChannel() {
        SocketChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the connection to broker " + brokerId, e);
            }
        }
    }
}
