package dev.sluice.streams.runtime;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.GroupMember;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.ConsumerRecords;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.streams.internals.ProcessingTask;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.state.internals.BytesStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Standby replicas ({@code num.standby.replicas}): warm copies of other instances' stateful tasks, kept
 * by reading their changelogs continuously with a consumer of their own. Which member keeps which
 * standby is a pure function of the group (members sorted by member id; a task's standbys are the
 * next {@code n} members after its active one), so every instance — and interactive queries — compute
 * the same answer from DescribeGroups. When a standby's task is assigned to this instance, its stores
 * are handed over and only the changelog's tail is restored. Stream thread only ({@link #applied()}: any thread).
 */
final class StandbyTasks implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StandbyTasks.class.getName());

    private final SluiceConsumer consumer;
    private final Function<TaskId, ProcessingTask> open;
    private final Map<TaskId, ProcessingTask> tasks = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Map<TopicPartition, BytesStore> targets = new HashMap<>();
    private volatile long applied;

    StandbyTasks(SluiceConsumer consumer, Function<TaskId, ProcessingTask> open) {
        this.consumer = consumer;
        this.open = open;
    }

    /**
     * The standby tasks of {@code memberId}: for each stateful task (by the partition of its input
     * {@code taskTopic}), the {@code replicas} members following its active member.
     */
    static Set<TaskId> standbysOf(String memberId, List<GroupMember> members, Map<Integer, String> taskTopics,
                                  int replicas) {
        List<GroupMember> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(GroupMember::memberId));
        Set<TaskId> out = new TreeSet<>();
        for (int i = 0; i < sorted.size(); i++) {
            for (TopicPartition tp : sorted.get(i).assignment()) {
                for (Map.Entry<Integer, String> t : taskTopics.entrySet()) {
                    if (!t.getValue().equals(tp.topic())) {
                        continue;
                    }
                    for (int r = 1; r <= Math.min(replicas, sorted.size() - 1); r++) {
                        if (sorted.get((i + r) % sorted.size()).memberId().equals(memberId)) {
                            out.add(new TaskId(t.getKey(), tp.partition()));
                        }
                    }
                }
            }
        }
        return out;
    }

    Set<TaskId> ids() {
        return new TreeSet<>(tasks.keySet());
    }

    /** Keeps exactly these standbys (never one of the active tasks), opening and closing as needed. */
    void keep(Set<TaskId> wanted, Set<TaskId> active) {
        boolean changed = false;
        for (TaskId id : new ArrayList<>(tasks.keySet())) {
            if (!wanted.contains(id) || active.contains(id)) {
                close(id);
                changed = true;
            }
        }
        for (TaskId id : wanted) {
            if (!tasks.containsKey(id) && !active.contains(id)) {
                ProcessingTask task = open.apply(id);
                tasks.put(id, task);
                task.changelogs().forEach((topic, store) -> targets.put(new TopicPartition(topic, id.partition()), store));
                changed = true;
            }
        }
        if (changed) {
            reassign();
            LOG.log(System.Logger.Level.INFO, () -> "standby tasks " + tasks.keySet());
        }
    }

    /** Points the consumer at the changelog partitions kept now, each where its standby left off (or the beginning). */
    private void reassign() {
        consumer.assign(targets.keySet());
        for (TopicPartition tp : targets.keySet()) {
            Long at = positions.get(tp);
            if (at != null) {
                consumer.seek(tp, at);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /** Applies whatever the changelogs have now (a short poll). */
    void update() {
        if (targets.isEmpty()) {
            return;
        }
        ConsumerRecords polled = consumer.poll(Duration.ofMillis(1));
        for (TopicPartition tp : polled.partitions()) {
            BytesStore store = targets.get(tp);
            List<ConsumerRecord> records = polled.records(tp);
            if (store != null && !records.isEmpty()) {
                applied += ChangelogRestorer.apply(records, store, Long.MAX_VALUE);
                positions.put(tp, records.get(records.size() - 1).offset() + 1);
            }
        }
    }

    /** Changelog records applied to standbys so far. */
    long applied() {
        return applied;
    }

    /**
     * Hands a standby over to become active: its task (stores warm) and the changelog offsets it holds
     * everything before; null if there is no such standby.
     */
    Handover take(TaskId id) {
        ProcessingTask task = tasks.remove(id);
        if (task == null) {
            return null;
        }
        Map<TopicPartition, Long> from = new HashMap<>();
        for (String topic : task.changelogs().keySet()) {
            TopicPartition tp = new TopicPartition(topic, id.partition());
            targets.remove(tp);
            Long at = positions.remove(tp);
            if (at != null) {
                from.put(tp, at);
            }
        }
        reassign();
        return new Handover(task, from);
    }

    record Handover(ProcessingTask task, Map<TopicPartition, Long> from) {
    }

    private void close(TaskId id) {
        ProcessingTask task = tasks.remove(id);
        for (String topic : task.changelogs().keySet()) {
            TopicPartition tp = new TopicPartition(topic, id.partition());
            targets.remove(tp);
            positions.remove(tp);
        }
        task.close();
    }

    @Override
    public void close() {
        new ArrayList<>(tasks.keySet()).forEach(this::close);
    }
}
