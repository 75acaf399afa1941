package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static dev.sluice.broker.it.GroupTestSupport.createTopic;
import static dev.sluice.broker.it.GroupTestSupport.groupConsumer;
import static dev.sluice.broker.it.GroupTestSupport.pollUntil;
import static dev.sluice.broker.it.GroupTestSupport.produceNumbered;
import static dev.sluice.broker.it.GroupTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kafka-clients consumers in groups (classic protocol) against a Sluice broker. */
class ConsumerGroupCompatibilityTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, FAST_GROUPS);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void consumersInOneGroupSplitThePartitionsDisjointly() throws Exception {
        createTopic(broker.bootstrap(), "split", 6);
        List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                KafkaConsumer<byte[], byte[]> c = groupConsumer(broker.bootstrap(), "split-group", Map.of());
                c.subscribe(List.of("split"));
                consumers.add(c);
            }
            @SuppressWarnings("unchecked")
            KafkaConsumer<byte[], byte[]>[] all = consumers.toArray(new KafkaConsumer[0]);
            pollUntil(() -> consumers.stream().allMatch(c -> c.assignment().size() == 2), r -> { }, all);
            Set<TopicPartition> union = new HashSet<>();
            for (KafkaConsumer<byte[], byte[]> c : consumers) {
                assertThat(union).doesNotContainAnyElementsOf(c.assignment());
                union.addAll(c.assignment());
            }
            assertThat(union).hasSize(6);
            int generation = consumers.get(0).groupMetadata().generationId();
            assertThat(consumers).allSatisfy(c -> assertThat(c.groupMetadata().generationId()).isEqualTo(generation));
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }

    /** Commits what it processed whenever partitions are taken away, and after every poll. */
    private static final class CommitOnRevoke implements ConsumerRebalanceListener {
        final KafkaConsumer<byte[], byte[]> consumer;
        final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();

        CommitOnRevoke(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
            Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
            for (TopicPartition tp : partitions) {
                positions.put(tp, new OffsetAndMetadata(consumer.position(tp)));
            }
            consumer.commitSync(positions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    private static Set<String> numbers(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).collect(Collectors.toSet());
    }

    @Test
    void aLeavingMemberHandsOverItsPartitionsAndNoRecordIsLostOrReadTwice() throws Exception {
        createTopic(broker.bootstrap(), "handover", 4);
        produceNumbered(broker.bootstrap(), "handover", 400);
        List<String> consumed = new ArrayList<>();
        KafkaConsumer<byte[], byte[]> a = groupConsumer(broker.bootstrap(), "handover-group",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20));
        KafkaConsumer<byte[], byte[]> b = groupConsumer(broker.bootstrap(), "handover-group",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20));
        try {
            a.subscribe(List.of("handover"), new CommitOnRevoke(a));
            b.subscribe(List.of("handover"), new CommitOnRevoke(b));
            pollUntil(() -> consumed.size() >= 100 && !a.assignment().isEmpty() && !b.assignment().isEmpty(), r -> {
                consumed.add(value(r));
            }, a, b);
            a.commitSync();
            b.commitSync();
            a.close(); // leaves the group: b takes over a's partitions from a's committed offsets
            pollUntil(() -> consumed.size() >= 400, r -> consumed.add(value(r)), b);
            assertThat(b.assignment()).hasSize(4);
        } finally {
            b.close();
        }
        assertThat(consumed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(consumed)).isEqualTo(numbers(400));
    }

    @Test
    void twoGroupsEachGetEveryRecord() throws Exception {
        createTopic(broker.bootstrap(), "fanout", 3);
        produceNumbered(broker.bootstrap(), "fanout", 150);
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> g1 = groupConsumer(broker.bootstrap(), "fanout-1", Map.of());
             KafkaConsumer<byte[], byte[]> g2 = groupConsumer(broker.bootstrap(), "fanout-2", Map.of())) {
            g1.subscribe(List.of("fanout"));
            g2.subscribe(List.of("fanout"));
            pollUntil(() -> first.size() >= 150, r -> first.add(value(r)), g1);
            pollUntil(() -> second.size() >= 150, r -> second.add(value(r)), g2);
        }
        assertThat(first).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(numbers(150));
        assertThat(second).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(numbers(150));
    }

    @Test
    void cooperativeStickyGroupMovesOnlyThePartitionsThatChangeOwner() throws Exception {
        createTopic(broker.bootstrap(), "coop", 4);
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        KafkaConsumer<byte[], byte[]> first = groupConsumer(broker.bootstrap(), "coop-group", cooperative);
        KafkaConsumer<byte[], byte[]> second = groupConsumer(broker.bootstrap(), "coop-group", cooperative);
        try {
            CommitOnRevoke firstListener = new CommitOnRevoke(first);
            first.subscribe(List.of("coop"), firstListener);
            pollUntil(() -> first.assignment().size() == 4, r -> { }, first);
            second.subscribe(List.of("coop"));
            pollUntil(() -> first.assignment().size() == 2 && second.assignment().size() == 2, r -> { }, first, second);
            // cooperative: the first member gave up exactly the two partitions that moved, and kept the rest throughout
            assertThat(firstListener.revoked).hasSize(2).doesNotContainAnyElementsOf(first.assignment());
            assertThat(second.assignment()).containsExactlyInAnyOrderElementsOf(firstListener.revoked);
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aRestartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        createTopic(broker.bootstrap(), "static", 4);
        KafkaConsumer<byte[], byte[]> a = groupConsumer(broker.bootstrap(), "static-group",
                Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a"));
        KafkaConsumer<byte[], byte[]> b = groupConsumer(broker.bootstrap(), "static-group",
                Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-b"));
        KafkaConsumer<byte[], byte[]> restarted = null;
        try {
            a.subscribe(List.of("static"));
            b.subscribe(List.of("static"));
            pollUntil(() -> a.assignment().size() == 2 && b.assignment().size() == 2, r -> { }, a, b);
            int generation = b.groupMetadata().generationId();
            Set<TopicPartition> assignedToA = Set.copyOf(a.assignment());
            a.close(); // a static member does not leave on close: its place waits for it until its session ends

            restarted = groupConsumer(broker.bootstrap(), "static-group",
                    Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a"));
            restarted.subscribe(List.of("static"));
            KafkaConsumer<byte[], byte[]> r = restarted;
            pollUntil(() -> r.assignment().size() == 2, rec -> { }, r, b);
            assertThat(r.assignment()).isEqualTo(assignedToA);
            assertThat(r.groupMetadata().generationId()).isEqualTo(generation);
            assertThat(b.groupMetadata().generationId()).isEqualTo(generation);
        } finally {
            b.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    @Test
    void adminListsDescribesAltersAndDeletesConsumerGroups() throws Exception {
        createTopic(broker.bootstrap(), "admin-groups", 2);
        produceNumbered(broker.bootstrap(), "admin-groups", 20);
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            try (KafkaConsumer<byte[], byte[]> c = groupConsumer(broker.bootstrap(), "admin-group", Map.of())) {
                c.subscribe(List.of("admin-groups"));
                List<String> seen = new ArrayList<>();
                pollUntil(() -> seen.size() >= 20, r -> seen.add(value(r)), c);
                c.commitSync();

                Collection<ConsumerGroupListing> listed = admin.listConsumerGroups().all().get(20, TimeUnit.SECONDS);
                assertThat(listed).anySatisfy(l -> {
                    assertThat(l.groupId()).isEqualTo("admin-group");
                    assertThat(l.groupState()).contains(GroupState.STABLE);
                });
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("admin-group"))
                        .describedGroups().get("admin-group").get(20, TimeUnit.SECONDS);
                assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(description.members()).singleElement().satisfies(m -> {
                    assertThat(m.clientId()).startsWith("consumer-admin-group");
                    assertThat(m.host()).isEqualTo("/127.0.0.1");
                    assertThat(m.assignment().topicPartitions()).hasSize(2);
                });
                assertThat(description.partitionAssignor()).isEqualTo("range");
                assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("admin-group")).all().get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupNotEmptyException.class);
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("admin-group")
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(20);

            TopicPartition p0 = new TopicPartition("admin-groups", 0);
            admin.alterConsumerGroupOffsets("admin-group", Map.of(p0, new OffsetAndMetadata(1, "rewound")))
                    .all().get(20, TimeUnit.SECONDS);
            OffsetAndMetadata altered = admin.listConsumerGroupOffsets("admin-group")
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS).get(p0);
            assertThat(altered.offset()).isEqualTo(1);
            assertThat(altered.metadata()).isEqualTo("rewound");

            admin.deleteConsumerGroupOffsets("admin-group", Set.of(p0)).all().get(20, TimeUnit.SECONDS);
            assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata()
                    .get(20, TimeUnit.SECONDS)).doesNotContainKey(p0);

            admin.deleteConsumerGroups(List.of("admin-group")).all().get(20, TimeUnit.SECONDS);
            assertThat(admin.listConsumerGroups().all().get(20, TimeUnit.SECONDS))
                    .noneMatch(l -> l.groupId().equals("admin-group"));
            assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("admin-group")).all().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupIdNotFoundException.class);
        }
    }

    /** ConsumerProtocolSubscription v0: int16 version | int32 topics | topic strings | nullable user data. */
    private static ByteBuffer subscription(String topic) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + 4 + 2 + name.length + 4).putShort((short) 0).putInt(1)
                .putShort((short) name.length).put(name).putInt(-1).flip();
    }

    @Test
    void aMemberThatStopsHeartbeatingLosesItsPartitionsWhenItsSessionExpires() throws Exception {
        createTopic(broker.bootstrap(), "crash-member", 4);
        try (KafkaConsumer<byte[], byte[]> survivor = groupConsumer(broker.bootstrap(), "crash-member-group", Map.of());
             RawClient crashing = new RawClient(broker.bootstrap())) {
            survivor.subscribe(List.of("crash-member"));
            pollUntil(() -> survivor.assignment().size() == 4, r -> { }, survivor);

            // a member that joins, takes its share, then goes silent: no heartbeat, no LeaveGroup
            CompletableFuture<Struct> joined = CompletableFuture.supplyAsync(() -> {
                try {
                    Struct join = ApiKey.JOIN_GROUP.newRequest().set("GroupId", "crash-member-group")
                            .set("SessionTimeoutMs", 1500).set("RebalanceTimeoutMs", 10_000)
                            .set("GroupInstanceId", "crashing-instance")
                            .set("ProtocolType", "consumer");
                    join.addStruct("Protocols").set("Name", "range").set("Metadata", subscription("crash-member"));
                    Struct response = crashing.call(ApiKey.JOIN_GROUP, 9, join.set("MemberId", ""));
                    Struct sync = ApiKey.SYNC_GROUP.newRequest().set("GroupId", "crash-member-group")
                            .set("GenerationId", response.getInt("GenerationId")).set("MemberId", response.getString("MemberId"))
                            .set("GroupInstanceId", "crashing-instance");
                    return crashing.call(ApiKey.SYNC_GROUP, 5, sync);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            pollUntil(() -> joined.isDone() && survivor.assignment().size() == 2, r -> { }, survivor);
            assertThat(joined.join().getShort("ErrorCode")).isEqualTo(Errors.NONE.code());

            // 1.5 s later the silent member's session ends; the group rebalances and the survivor gets everything
            pollUntil(() -> survivor.assignment().size() == 4, r -> { }, survivor);
        }
    }
}
