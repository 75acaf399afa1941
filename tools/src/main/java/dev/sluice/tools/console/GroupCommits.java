package dev.sluice.tools.console;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.ClientCommand;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code consume --group}: until the client can join groups (subscribe), the console consumer
 * reads its partitions by assignment, starts at the group's committed offsets and commits the
 * offset after each printed record through the admin API, every few seconds and at the end. The
 * broker accepts such commits only while the group has no real members, as Kafka does.
 */
final class GroupCommits {
    private static final long INTERVAL_MS = 5_000;

    private final SluiceAdmin admin;
    private final String group;
    private final PrintStream err;
    private final Map<TopicPartition, Long> pending = new HashMap<>();
    private long lastCommitMs = System.currentTimeMillis();
    private boolean warned;

    GroupCommits(SluiceAdmin admin, String group, PrintStream err) {
        this.admin = admin;
        this.group = group;
        this.err = err;
    }

    /** The group's committed offsets for {@code topic}'s partitions. */
    Map<TopicPartition, Long> committed(String topic) {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listGroupOffsets(group).join().forEach((tp, offset) -> {
            if (tp.topic().equals(topic)) {
                out.put(tp, offset);
            }
        });
        return out;
    }

    /** The record at {@code offset} was printed: the group continues after it. */
    void printed(TopicPartition tp, long offset) {
        pending.put(tp, offset + 1);
    }

    void maybeCommit() {
        if (System.currentTimeMillis() - lastCommitMs >= INTERVAL_MS) {
            commit();
        }
    }

    void commit() {
        lastCommitMs = System.currentTimeMillis();
        if (pending.isEmpty()) {
            return;
        }
        try {
            admin.alterGroupOffsets(group, Map.copyOf(pending)).join();
            pending.clear();
        } catch (RuntimeException e) {
            if (!warned) { // once: the same reason would repeat every interval
                warned = true;
                err.println("WARNING: cannot commit offsets of group " + group + ": " + ClientCommand.explain(e, null));
            }
        }
    }
}
