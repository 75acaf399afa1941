package dev.sluice.broker.controller.network;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.broker.controller.ControlChannel;
import dev.sluice.broker.controller.ControlMessage;
import dev.sluice.broker.interbroker.Endpoints;
import dev.sluice.broker.interbroker.InterBrokerSecurity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * The controller's {@link ControlChannel} over the Kafka protocol: Kafka's
 * {@code ControllerChannelManager}. Each target broker gets a {@link BrokerSender} (its own thread
 * and connection) on the first message for it; messages to one broker go in order, each retried
 * until answered. A broker that left or bounced ({@link #brokerRemoved}) and a controller that
 * resigned ({@link #controllerResigned}) drop what was queued: those requests carry an epoch the
 * receiver would refuse anyway.
 *
 * <p>A broker is reached at its registered endpoint of the listener named {@code listenerName},
 * else its first PLAINTEXT one, looked up in the metadata store at each connection attempt.
 *
 * <p>Threads: {@code send}, {@code brokerRemoved}, {@code controllerResigned} from the controller's
 * thread; {@code close} from any.
 */
public final class NetworkControlChannel implements ControlChannel, AutoCloseable {
    private final int controllerId;
    private final IntFunction<Optional<RegisteredBroker>> registration;
    private final InterBrokerSecurity security;
    private final int socketTimeoutMs;
    private final long retryBackoffMs;
    private final BrokerSender.Listener listener;
    private final Map<Integer, BrokerSender> senders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param registration  a broker's current registration (endpoints), empty if it is not registered
     * @param socketTimeoutMs connect and answer timeout per attempt (Kafka's {@code controller.socket.timeout.ms})
     * @param retryBackoffMs  first pause after a failed attempt, doubling up to ten times it
     */
    public NetworkControlChannel(int controllerId, IntFunction<Optional<RegisteredBroker>> registration,
                                 String listenerName, int socketTimeoutMs, long retryBackoffMs) {
        this(controllerId, registration, InterBrokerSecurity.plaintext(listenerName), socketTimeoutMs, retryBackoffMs,
                (b, m, e) -> { });
    }

    /** @param security the inter-broker listener brokers are reached on, and how connections to it are secured */
    public NetworkControlChannel(int controllerId, IntFunction<Optional<RegisteredBroker>> registration,
                                 InterBrokerSecurity security, int socketTimeoutMs, long retryBackoffMs) {
        this(controllerId, registration, security, socketTimeoutMs, retryBackoffMs, (b, m, e) -> { });
    }

    NetworkControlChannel(int controllerId, IntFunction<Optional<RegisteredBroker>> registration, String listenerName,
                          int socketTimeoutMs, long retryBackoffMs, BrokerSender.Listener listener) {
        this(controllerId, registration, InterBrokerSecurity.plaintext(listenerName), socketTimeoutMs, retryBackoffMs,
                listener);
    }

    NetworkControlChannel(int controllerId, IntFunction<Optional<RegisteredBroker>> registration,
                          InterBrokerSecurity security, int socketTimeoutMs, long retryBackoffMs,
                          BrokerSender.Listener listener) {
        this.controllerId = controllerId;
        this.registration = registration;
        this.security = security;
        this.socketTimeoutMs = socketTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
        this.listener = listener;
    }

    @Override
    public void send(int brokerId, ControlMessage message) {
        if (closed) {
            return;
        }
        senders.computeIfAbsent(brokerId, id -> new BrokerSender(controllerId, id, () -> endpointOf(id),
                security.connection("sluice-controller-" + controllerId, socketTimeoutMs), retryBackoffMs, listener)).enqueue(message);
    }

    @Override
    public void brokerRemoved(int brokerId) {
        BrokerSender sender = senders.remove(brokerId);
        if (sender != null) {
            sender.stop();
        }
    }

    @Override
    public void controllerResigned() {
        stopAll();
    }

    /** Brokers a sender currently exists for (tests). */
    List<Integer> targets() {
        return new ArrayList<>(senders.keySet());
    }

    private Optional<BrokerEndpoint> endpointOf(int brokerId) {
        return registration.apply(brokerId).flatMap(b -> Endpoints.interBroker(b, security.listenerName()));
    }

    private List<BrokerSender> stopAll() {
        List<BrokerSender> stopped = new ArrayList<>();
        for (Integer id : List.copyOf(senders.keySet())) {
            BrokerSender sender = senders.remove(id);
            if (sender != null) {
                sender.stop();
                stopped.add(sender);
            }
        }
        return stopped;
    }

    /** Stops every sender and waits briefly for their threads. */
    @Override
    public void close() {
        closed = true;
        for (BrokerSender sender : stopAll()) {
            try {
                sender.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
