package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.interbroker.BlockingConnection;
import dev.sluice.broker.interbroker.InterBrokerSecurity;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * WriteTxnMarkers v1 over the broker's inter-broker connections ({@link BlockingConnection}, as the
 * controller's senders and the link to the controller use): one connection and one thread
 * ({@code sluice-txn-markers-to-<broker>}) per leader, requests to a leader in order, the markers
 * queued meanwhile batched into the next request. A single node
 * sends to itself, through the same handler as any other leader. The client's network layer (which
 * the replica fetchers use) is not reachable from the broker module: the client's tests depend on
 * the broker, so the broker cannot depend on the client.
 *
 * <p>Threads: {@link #send} from any thread; the exchanges on the per-leader threads; {@link #close} from any.
 */
public final class NetworkMarkerChannel implements MarkerChannel {
    private static final System.Logger LOG = System.getLogger(NetworkMarkerChannel.class.getName());
    private static final short VERSION = 1;

    private final int localBrokerId;
    private final int socketTimeoutMs;
    private final InterBrokerSecurity security;
    private final Map<Integer, Sender> senders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Plaintext to the leaders' listener {@code interBrokerListener} (their address on it, else their default one). */
    public NetworkMarkerChannel(int localBrokerId, int socketTimeoutMs, String interBrokerListener) {
        this(localBrokerId, socketTimeoutMs, InterBrokerSecurity.plaintext(interBrokerListener));
    }

    /** To the leaders' inter-broker listener, secured as {@code security} says. */
    public NetworkMarkerChannel(int localBrokerId, int socketTimeoutMs, InterBrokerSecurity security) {
        this.localBrokerId = localBrokerId;
        this.socketTimeoutMs = socketTimeoutMs;
        this.security = security;
    }

    /** A marker waiting for its leader's thread, and who waits for its answer. */
    private record Queued(TxnMarker marker, CompletableFuture<Map<TopicPartition, Errors>> result) {
    }

    /**
     * One leader's connection and thread. Markers queued while a request is in flight go together
     * in the next one (Kafka's channel manager drains its per-broker queue the same way), so many
     * transactions ending at once cost one round trip per leader, not one each.
     */
    private final class Sender {
        final BrokerNode leader;
        final ExecutorService thread;
        final BlockingConnection connection;
        final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();

        Sender(BrokerNode leader) {
            this.leader = leader;
            this.connection = security.connection("sluice-txn-coordinator-" + localBrokerId, socketTimeoutMs);
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sluice-txn-markers-to-" + leader.id());
                t.setDaemon(true);
                return t;
            });
        }

        /** On the sender's thread: everything queued so far in one request. */
        void drain() {
            List<Queued> batch = new ArrayList<>();
            for (Queued q; (q = queue.poll()) != null; ) {
                batch.add(q);
            }
            if (batch.isEmpty()) {
                return; // an earlier drain took them
            }
            try {
                List<Map<TopicPartition, Errors>> answers = exchange(connection, leader, batch);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(answers.get(i));
                }
            } catch (IOException | RuntimeException e) {
                batch.forEach(q -> q.result().completeExceptionally(e));
            }
        }
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> send(BrokerNode leaderNode, TxnMarker marker) {
        BrokerNode leader = leaderNode.on(security.listenerName());
        CompletableFuture<Map<TopicPartition, Errors>> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IOException("marker channel closed"));
            return result;
        }
        // a leader that moved to another address gets a new sender (the old one finishes what it has)
        Sender sender = senders.compute(leader.id(), (id, existing) -> {
            if (existing != null && existing.leader.equals(leader)) {
                return existing;
            }
            if (existing != null) { // it sends what it has, then closes its connection and thread
                existing.thread.execute(existing.connection::close);
                existing.thread.shutdown();
            }
            return new Sender(leader);
        });
        sender.queue.add(new Queued(marker, result));
        try {
            sender.thread.execute(sender::drain);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IOException("marker channel closed"));
        }
        return result;
    }

    /** One WriteTxnMarkers with every marker of {@code batch}; the answers in the same order. */
    private static List<Map<TopicPartition, Errors>> exchange(BlockingConnection connection, BrokerNode leader,
                                                              List<Queued> batch) throws IOException {
        if (!connection.isConnectedTo(leader.host(), leader.port())) {
            connection.connect(leader.host(), leader.port());
        }
        Struct body = ApiKey.WRITE_TXN_MARKERS.newRequest();
        for (Queued queued : batch) {
            TxnMarker marker = queued.marker();
            Struct m = body.addStruct("Markers").set("ProducerId", marker.producerId())
                    .set("ProducerEpoch", marker.producerEpoch()).set("TransactionResult", marker.commit())
                    .set("CoordinatorEpoch", marker.coordinatorEpoch());
            Map<String, List<Integer>> byTopic = new TreeMap<>();
            marker.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
            byTopic.forEach((topic, partitions) -> m.addStruct("Topics").set("Name", topic).set("PartitionIndexes", partitions));
        }
        List<Struct> results = connection.exchange(ApiKey.WRITE_TXN_MARKERS, VERSION, body).body().getArray("Markers");
        List<Map<TopicPartition, Errors>> answers = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Map<TopicPartition, Errors> errors = new HashMap<>();
            if (i < results.size()) { // answered in request order (Kafka's handler keeps it)
                for (Struct topic : results.get(i).getArray("Topics")) {
                    for (Struct p : topic.getArray("Partitions")) {
                        errors.put(new TopicPartition(topic.getString("Name"), p.getInt("PartitionIndex")),
                                Errors.forCode(p.getShort("ErrorCode")));
                    }
                }
            }
            for (TopicPartition tp : batch.get(i).marker().partitions()) {
                errors.putIfAbsent(tp, Errors.UNKNOWN_SERVER_ERROR); // not answered: retried
            }
            answers.add(errors);
        }
        return answers;
    }

    @Override
    public void close() {
        closed = true;
        for (Sender sender : senders.values()) {
            sender.connection.close();
            sender.thread.shutdownNow();
        }
        senders.clear();
        LOG.log(System.Logger.Level.DEBUG, "marker channel closed");
    }
}
