package dev.sluice.broker.cluster;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The broker's side of Kafka's controlled shutdown: before it stops, a broker asks the controller
 * (ControlledShutdown with its id and broker epoch, through the {@link ControllerLink}) to move the
 * leadership of its partitions to other in-sync replicas and take it out of their ISRs. The
 * controller answers with the partitions it could not move (no other live in-sync replica); the
 * broker asks again after {@code retryBackoffMs} until none remain or {@code maxRetries} attempts
 * were made, then stops either way (Kafka's {@code KafkaServer.controlledShutdown}).
 *
 * <p>Threads: {@link #run} on the thread closing the broker (it blocks: at most {@code maxRetries}
 * × (the attempt timeout + the backoff)).
 */
public final class ControlledShutdown {
    private static final System.Logger LOG = System.getLogger(ControlledShutdown.class.getName());
    /** ControlledShutdown v3 (flexible, with the broker epoch), the newest of Kafka 3.9.1's schema. */
    private static final short VERSION = 3;

    /** How it ended. */
    public sealed interface Outcome {
        /** The controller moved every partition this broker led (or it led none). */
        record Done(int attempts) implements Outcome {
        }

        /** The retries ran out: the last answer's error and the partitions still led here. */
        record GaveUp(int attempts, String lastFailure, List<String> remaining) implements Outcome {
            public GaveUp {
                Objects.requireNonNull(lastFailure, "lastFailure");
                remaining = List.copyOf(remaining);
            }
        }
    }

    private final int brokerId;
    private final Supplier<OptionalLong> brokerEpoch;
    private final ControllerLink link;
    private final int maxRetries;
    private final long retryBackoffMs;
    private final long attemptTimeoutMs;

    /**
     * @param brokerEpoch      this broker's current registration epoch (empty while it has none: -1 is sent)
     * @param attemptTimeoutMs how long one attempt may wait for the controller's answer
     */
    public ControlledShutdown(int brokerId, Supplier<OptionalLong> brokerEpoch, ControllerLink link, int maxRetries,
                              long retryBackoffMs, long attemptTimeoutMs) {
        this.brokerId = brokerId;
        this.brokerEpoch = Objects.requireNonNull(brokerEpoch, "brokerEpoch");
        this.link = Objects.requireNonNull(link, "link");
        this.maxRetries = maxRetries;
        this.retryBackoffMs = retryBackoffMs;
        this.attemptTimeoutMs = attemptTimeoutMs;
    }

    /** Asks until done or out of retries; never throws (an interrupt ends it early, keeping the flag). */
    public Outcome run() {
        String lastFailure = "no attempt (controlled.shutdown.max.retries is 0)";
        List<String> remaining = List.of();
        for (int attempt = 1; attempt <= maxRetries; attempt++) {
            Struct request = ApiKey.CONTROLLED_SHUTDOWN.newRequest().set("BrokerId", brokerId)
                    .set("BrokerEpoch", brokerEpoch.get().orElse(-1));
            try {
                Struct answer = link.send(ApiKey.CONTROLLED_SHUTDOWN, VERSION, request, attemptTimeoutMs)
                        .get(attemptTimeoutMs + 5_000, TimeUnit.MILLISECONDS);
                Errors error = Errors.forCode(answer.getShort("ErrorCode"));
                remaining = new ArrayList<>();
                for (Struct p : answer.getArray("RemainingPartitions")) {
                    remaining.add(p.getString("TopicName") + "-" + p.getInt("PartitionIndex"));
                }
                if (error == Errors.NONE && remaining.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, "broker {0}: controlled shutdown succeeded (attempt {1})", brokerId,
                            attempt);
                    return new Outcome.Done(attempt);
                }
                lastFailure = error == Errors.NONE ? "partitions still led here: " + remaining : error.name();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome.GaveUp(attempt, "interrupted", remaining);
            } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                lastFailure = (e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e).toString();
            }
            LOG.log(System.Logger.Level.WARNING, "broker {0}: controlled shutdown attempt {1} of {2} failed: {3}", brokerId,
                    attempt, maxRetries, lastFailure);
            if (attempt < maxRetries && !pause()) {
                return new Outcome.GaveUp(attempt, "interrupted", remaining);
            }
        }
        LOG.log(System.Logger.Level.WARNING, "broker {0}: controlled shutdown gave up after {1} attempts ({2}); stopping "
                + "anyway: the controller elects new leaders when the registration goes", brokerId, maxRetries, lastFailure);
        return new Outcome.GaveUp(maxRetries, lastFailure, remaining);
    }

    private boolean pause() {
        try {
            Thread.sleep(retryBackoffMs);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
