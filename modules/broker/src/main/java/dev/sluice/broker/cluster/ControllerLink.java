package dev.sluice.broker.cluster;

import dev.sluice.api.Time;
import dev.sluice.broker.interbroker.BlockingConnection;
import dev.sluice.broker.interbroker.InterBrokerSecurity;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This broker's requests to the controller (Kafka's {@code BrokerToControllerChannelManager}, lean):
 * AlterPartition from a partition leader, ControlledShutdown at shutdown, ElectLeaders forwarded.
 * The caller builds the request body; the link finds the controller, sends it and completes the
 * future with the controller's answer.
 *
 * <p>Finding the controller: the {@link ControllerLocator} (in a broker: the controller id and its
 * registered endpoint in the cluster metadata store) is asked before each new connection. The
 * connection is kept between requests and dropped when the controller moves.
 *
 * <p>Retries: a request is sent again, after a backoff doubling from {@code retryBackoffMs} up to
 * ten times it, while no controller is known, the connection fails (refused, reset, no answer
 * within the socket timeout), or the answer's top-level {@code ErrorCode} is NOT_CONTROLLER (the
 * controller moved: the next attempt looks it up again). Any other answer, error codes included
 * (STALE_BROKER_EPOCH, per-partition errors), completes the future: the caller interprets it. At
 * the request's deadline the future fails with a {@link TimeoutException}; on {@link #close} with
 * a {@link LinkClosedException}. The future is completed on the link's thread: callers must not
 * block in its callbacks.
 *
 * <p>Example, an ISR change by a partition's leader (AlterPartition v3 of Kafka 3.9.1's schema):
 * <pre>{@code
 * Struct request = ApiKey.ALTER_PARTITION.newRequest().set("BrokerId", brokerId).set("BrokerEpoch", brokerEpoch);
 * Struct partition = request.addStruct("Topics").set("TopicId", topicId).addStruct("Partitions")
 *         .set("PartitionIndex", 0).set("LeaderEpoch", leaderEpoch).set("PartitionEpoch", partitionEpoch);
 * partition.addStruct("NewIsrWithEpochs").set("BrokerId", 1).set("BrokerEpoch", -1L);
 * link.send(ApiKey.ALTER_PARTITION, (short) 3, request, 30_000).whenComplete((response, failure) -> ...);
 * // response: top-level ErrorCode, then Topics[TopicId, Partitions[PartitionIndex, ErrorCode, LeaderId,
 * // LeaderEpoch, Isr, PartitionEpoch]]
 * }</pre>
 *
 * <p>Threads: requests are sent one at a time, in the order given, on the link's own thread
 * ({@code sluice-controller-link-<broker>}); {@link #send} and {@link #close} from any thread.
 */
public final class ControllerLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControllerLink.class.getName());

    /** The controller as the locator knows it: its broker id and the endpoint to reach it at. */
    public record Controller(int id, String host, int port) {
        public Controller {
            Objects.requireNonNull(host, "host");
        }
    }

    /** Where the controller is now; empty while none is known. May throw (store unreachable): retried. */
    @FunctionalInterface
    public interface ControllerLocator {
        Optional<Controller> find();
    }

    /** The link was closed before the request was answered (the broker is stopping). */
    public static final class LinkClosedException extends IllegalStateException {
        LinkClosedException() {
            super("the link to the controller is closed");
        }
    }

    private record Pending(ApiKey api, short version, Struct body, long deadlineNanos, CompletableFuture<Struct> result) {
    }

    private final int brokerId;
    private final ControllerLocator locator;
    private final long retryBackoffMs;
    private final Time time;
    private final BlockingConnection connection;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    /** The controller the open connection leads to (link thread only). */
    private Controller connectedTo;
    /** The request being delivered (link thread only). */
    private Pending current;

    /**
     * @param socketTimeoutMs connect timeout and the longest wait for one answer (Kafka's
     *                        {@code controller.socket.timeout.ms})
     * @param retryBackoffMs  first pause before a retry
     */
    public ControllerLink(int brokerId, ControllerLocator locator, int socketTimeoutMs, long retryBackoffMs, Time time) {
        this(brokerId, locator, socketTimeoutMs, retryBackoffMs, time, InterBrokerSecurity.plaintext(""));
    }

    /** @param security how the connection to the controller's inter-broker listener is secured */
    public ControllerLink(int brokerId, ControllerLocator locator, int socketTimeoutMs, long retryBackoffMs, Time time,
                          InterBrokerSecurity security) {
        this.brokerId = brokerId;
        this.locator = Objects.requireNonNull(locator, "locator");
        this.retryBackoffMs = retryBackoffMs;
        this.time = Objects.requireNonNull(time, "time");
        this.connection = security.connection("sluice-broker-" + brokerId, socketTimeoutMs);
        this.thread = new Thread(this::run, "sluice-controller-link-" + brokerId);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a request for the controller.
     *
     * @param timeoutMs how long to keep trying (from now) before failing with {@link TimeoutException}
     * @return the controller's answer (any error code but a top-level NOT_CONTROLLER)
     */
    public CompletableFuture<Struct> send(ApiKey api, short version, Struct request, long timeoutMs) {
        CompletableFuture<Struct> result = new CompletableFuture<>();
        if (!api.isVersionSupported(version)) {
            result.completeExceptionally(new IllegalArgumentException(api.apiName() + " v" + version + " is not a version"));
            return result;
        }
        queue.add(new Pending(api, version, request, time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), result));
        if (isClosed()) { // close() may have drained the queue before this add
            failQueued();
        }
        return result;
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private void run() {
        try {
            while (!isClosed()) {
                current = queue.poll(1, TimeUnit.SECONDS);
                if (current != null) {
                    deliver(current);
                    current = null;
                }
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            connection.close();
            if (current != null) {
                current.result().completeExceptionally(new LinkClosedException());
            }
            failQueued();
        }
    }

    /** Sends until answered (other than NOT_CONTROLLER), past the deadline, or closed. */
    private void deliver(Pending request) throws InterruptedException {
        long backoff = retryBackoffMs;
        int attempts = 0;
        String lastFailure = "not tried";
        while (!isClosed()) {
            if (request.result().isDone()) { // cancelled by the caller
                return;
            }
            long remainingNanos = request.deadlineNanos() - time.nanoseconds();
            if (remainingNanos <= 0) {
                request.result().completeExceptionally(new TimeoutException(request.api().apiName()
                        + " to the controller not answered in time after " + attempts + " attempts: " + lastFailure));
                return;
            }
            attempts++;
            try {
                Struct answer = exchange(request);
                if (answer != null) {
                    request.result().complete(answer);
                    return;
                }
                lastFailure = "broker " + connectedTo.id() + " is not the controller";
                connection.disconnect();
                connectedTo = null;
            } catch (IOException | RuntimeException e) {
                connection.disconnect();
                connectedTo = null;
                lastFailure = e.toString();
                System.Logger.Level level = attempts == 3 || attempts % 50 == 0 ? System.Logger.Level.WARNING
                        : System.Logger.Level.DEBUG;
                LOG.log(level, "broker {0}: sending {1} to the controller failed ({2} attempts, retrying): {3}", brokerId,
                        request.api().apiName(), attempts, lastFailure);
            }
            long pauseMs = Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(request.deadlineNanos() - time.nanoseconds()));
            if (pauseMs > 0 && closed.await(pauseMs, TimeUnit.MILLISECONDS)) {
                break;
            }
            backoff = Math.min(backoff * 2, retryBackoffMs * 10);
        }
        request.result().completeExceptionally(new LinkClosedException());
    }

    /** One attempt: the answer, or null if the broker reached said NOT_CONTROLLER. */
    private Struct exchange(Pending request) throws IOException {
        if (connectedTo == null || !connection.isConnected()) {
            Controller controller = locator.find()
                    .orElseThrow(() -> new IOException("no controller is known"));
            connection.connect(controller.host(), controller.port());
            connectedTo = controller;
        }
        ResponseParser.Response response = connection.exchange(request.api(), request.version(), request.body());
        Struct body = response.body();
        boolean topLevelError = body.schema().hasField("ErrorCode")
                && body.field("ErrorCode").presentIn(request.version());
        if (topLevelError && Errors.forCode(body.getShort("ErrorCode")) == Errors.NOT_CONTROLLER) {
            return null;
        }
        return body;
    }

    private void failQueued() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        for (Pending p : left) {
            p.result().completeExceptionally(new LinkClosedException());
        }
    }

    /** Stops the thread; requests not yet answered fail with {@link LinkClosedException}. Any thread. */
    @Override
    public void close() {
        closed.countDown();
        connection.close();
        thread.interrupt();
        if (Thread.currentThread() == thread) { // closed from a callback of a request
            return;
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
    }
}
