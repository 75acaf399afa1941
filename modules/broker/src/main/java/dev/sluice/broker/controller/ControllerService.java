package dev.sluice.broker.controller;

import dev.sluice.api.Scheduler;
import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.protocol.Errors;

import java.util.Collection;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a broker's {@link Controller} on its own thread ({@code sluice-controller-<id>}): store events,
 * the periodic imbalance check and requests (ControlledShutdown, ElectLeaders) are queued to that thread
 * and handled one at a time, in order, so the controller's state has one owner (the agent pattern).
 *
 * <p>It stands for election at start, whenever the controller changes or goes away, and after a new
 * session; a session expiry makes it resign before anything else. A failure of the store while
 * handling an event (unreachable: {@code ClusterStoreException}) resigns too, since the controller
 * no longer knows what was written; its resignation frees {@code /controller}, and the event that
 * follows makes every broker, this one included, stand again.
 *
 * <p>Thread-safe: the public methods may be called from any thread.
 */
public final class ControllerService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ControllerService.class.getName());

    private final ClusterMetadataStore store;
    private final ExecutorService thread;
    private final Controller controller;
    private volatile boolean active;

    public ControllerService(int brokerId, ClusterMetadataStore store, ControlChannel channel, ControllerSettings settings,
                             Scheduler scheduler) {
        this.store = store;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-controller-" + brokerId);
            t.setDaemon(true);
            return t;
        });
        this.controller = new Controller(brokerId, store, channel, settings, scheduler,
                () -> submit(c -> c.checkLeaderImbalance()));
    }

    /** Listens to the store and stands for election. */
    public void start() {
        store.addListener(new ClusterListener() {
            @Override
            public void brokersChanged() {
                submit(Controller::onBrokersChanged);
            }

            @Override
            public void controllerChanged() {
                submit(Controller::elect);
            }

            @Override
            public void topicsChanged() {
                submit(Controller::onTopicsChanged);
            }

            @Override
            public void partitionStateChanged(String topic, int partition) {
                submit(c -> c.onPartitionStateChanged(topic, partition));
            }

            @Override
            public void topicDeletionRequested() {
                submit(Controller::onTopicDeletionRequested);
            }

            @Override
            public void sessionExpired() {
                submit(Controller::sessionExpired);
            }

            @Override
            public void sessionEstablished() {
                submit(Controller::elect);
            }
        });
        submit(Controller::elect);
    }

    /** Whether this broker is the controller (as of the last event handled). */
    public boolean isActive() {
        return active;
    }

    /**
     * The broker's settings changed (dynamic broker configs): the controller takes them in on its thread;
     * unclean elections being enabled elect leaders for partitions that have none.
     */
    public void settingsChanged(ControllerSettings settings) {
        submit(c -> c.settingsChanged(settings));
    }

    /** ControlledShutdown of a broker, answered on the controller thread. */
    public CompletableFuture<ShutdownResult> controlledShutdown(int brokerId, long brokerEpoch) {
        return call(() -> controller.controlledShutdown(brokerId, brokerEpoch));
    }

    /** ElectLeaders, answered on the controller thread ({@code null} partitions: all). */
    public CompletableFuture<SortedMap<TopicPartition, PartitionResult>> electLeaders(ElectionType type,
                                                                                      Collection<TopicPartition> partitions) {
        return call(() -> controller.electLeaders(type, partitions));
    }

    /**
     * AlterPartition for one partition named by topic id (v2+), answered on the controller thread:
     * UNKNOWN_TOPIC_ID if the controller knows no topic with that id (NOT_CONTROLLER if it is not the controller).
     */
    public CompletableFuture<AlterPartitionResult> alterPartition(int fromBroker, long brokerEpoch, java.util.UUID topicId,
                                                                  int partition, int leaderEpoch, int partitionEpoch,
                                                                  java.util.List<Integer> newIsr,
                                                                  java.util.Map<Integer, Long> isrEpochs) {
        return call(() -> {
            if (!controller.isActive()) {
                return AlterPartitionResult.failed(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER.message());
            }
            return controller.topicName(topicId)
                    .map(name -> controller.alterPartition(fromBroker, brokerEpoch, new TopicPartition(name, partition),
                            leaderEpoch, partitionEpoch, newIsr, isrEpochs))
                    .orElseGet(() -> AlterPartitionResult.failed(Errors.UNKNOWN_TOPIC_ID, "No topic with id " + topicId + "."));
        });
    }

    /** AlterPartition for one partition named by topic name (v0-1), answered on the controller thread. */
    public CompletableFuture<AlterPartitionResult> alterPartition(int fromBroker, long brokerEpoch, TopicPartition partition,
                                                                  int leaderEpoch, int partitionEpoch,
                                                                  java.util.List<Integer> newIsr,
                                                                  java.util.Map<Integer, Long> isrEpochs) {
        return call(() -> controller.alterPartition(fromBroker, brokerEpoch, partition, leaderEpoch, partitionEpoch, newIsr,
                isrEpochs));
    }

    /** AlterPartition for one partition, answered on the controller thread. */
    public CompletableFuture<AlterPartitionResult> alterPartition(int fromBroker, long brokerEpoch, TopicPartition partition,
                                                                  int leaderEpoch, int partitionEpoch, java.util.List<Integer> newIsr) {
        return call(() -> controller.alterPartition(fromBroker, brokerEpoch, partition, leaderEpoch, partitionEpoch, newIsr));
    }

    /**
     * Makes the controller resign now and waits (at most {@code timeoutMs}) until it has: for the
     * broker's session-expiry handling ({@code ClusterMembership}), which must know the controller
     * stopped before anything else happens. Events queued before run first; a later event (a new
     * session) may make it stand again. Any thread except the controller's own.
     *
     * @return whether the resignation happened within the time
     */
    public boolean resignAndWait(long timeoutMs) {
        CompletableFuture<Boolean> done = call(() -> {
            controller.resign();
            return true;
        });
        try {
            return done.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "the controller did not resign within " + timeoutMs + " ms", e);
            return false;
        }
    }

    /** Resigns (if the controller) and stops the thread. */
    @Override
    public void close() {
        try {
            thread.execute(() -> {
                controller.resign();
                active = false;
            });
        } catch (RejectedExecutionException alreadyClosed) {
            return;
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the controller thread did not stop within 10 s");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }

    private interface Event {
        void handle(Controller controller);
    }

    private void submit(Event event) {
        try {
            thread.execute(() -> {
                try {
                    event.handle(controller);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "controller event failed; resigning", e);
                    controller.resign();
                } finally {
                    active = controller.isActive();
                }
            });
        } catch (RejectedExecutionException closed) {
            // events after close are dropped
        }
    }

    private <T> CompletableFuture<T> call(Supplier<T> request) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    result.complete(request.get());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    active = controller.isActive();
                }
            });
        } catch (RejectedExecutionException closed) {
            result.completeExceptionally(closed);
        }
        return result;
    }
}
