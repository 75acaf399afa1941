package dev.sluice.broker.controller.network;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.broker.controller.ControlMessage;
import dev.sluice.broker.interbroker.BlockingConnection;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.ResponseParser;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends one broker its control requests, one at a time and in order, on its own thread
 * ({@code sluice-control-<controller>-to-<broker>}), over one blocking connection: Kafka's
 * {@code RequestSendThread}, over a {@link BlockingConnection}. A request that cannot be delivered or answered (connection refused,
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
    private final long retryBackoffMs;
    private final Listener listener;
    private final BlockingConnection connection;
    private final LinkedBlockingQueue<ControlMessage> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    /** Told of each answered request (tests, metrics). */
    interface Listener {
        void answered(int brokerId, ControlMessage message, Errors error);
    }

    BrokerSender(int controllerId, int brokerId, Supplier<Optional<BrokerEndpoint>> endpoint, BlockingConnection connection,
                 long retryBackoffMs, Listener listener) {
        this.controllerId = controllerId;
        this.brokerId = brokerId;
        this.endpoint = endpoint;
        this.connection = connection;
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
        connection.close();
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
            connection.close();
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
                connection.disconnect();
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
        if (!connection.isConnected()) { // the endpoint is looked up for each new connection
            BrokerEndpoint target = endpoint.get()
                    .orElseThrow(() -> new IOException("broker " + brokerId + " has no registered endpoint"));
            connection.connect(target.host(), target.port());
        }
        ResponseParser.Response response = connection.exchange(request.api(), request.version(), request.body());
        return Errors.forCode(response.body().getShort("ErrorCode"));
    }
}
