package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static dev.sluice.broker.it.GroupTestSupport.createTopic;
import static dev.sluice.broker.it.GroupTestSupport.groupConsumer;
import static dev.sluice.broker.it.GroupTestSupport.pollUntil;
import static dev.sluice.broker.it.GroupTestSupport.produceNumbered;
import static org.assertj.core.api.Assertions.assertThat;

/** Committed offsets and groups outlive the broker: a clean restart, and a kill -9 of a broker in a child JVM. */
class GroupOffsetsDurabilityTest {
    @TempDir
    Path dir;

    private static Map<TopicPartition, OffsetAndMetadata> committed(String bootstrap, String group) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void offsetsAndGroupsSurviveARestart() throws Exception {
        TestBroker broker = TestBroker.start(dir, FAST_GROUPS);
        try {
            createTopic(broker.bootstrap(), "durable", 2);
            produceNumbered(broker.bootstrap(), "durable", 50);
            try (KafkaConsumer<byte[], byte[]> c = groupConsumer(broker.bootstrap(), "durable-group", Map.of())) {
                c.subscribe(List.of("durable"));
                List<Object> seen = new ArrayList<>();
                pollUntil(() -> seen.size() >= 30, seen::add, c);
                c.commitSync();
            }
            Map<TopicPartition, OffsetAndMetadata> before = committed(broker.bootstrap(), "durable-group");
            assertThat(before).hasSize(2);

            broker = broker.restart();

            assertThat(committed(broker.bootstrap(), "durable-group")).isEqualTo(before);
            try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
                assertThat(admin.listConsumerGroups().all().get(20, TimeUnit.SECONDS)).anySatisfy(l -> {
                    assertThat(l.groupId()).isEqualTo("durable-group");
                    assertThat(l.groupState()).contains(GroupState.EMPTY);
                });
            }
            // a consumer of the group resumes where the group left off
            try (KafkaConsumer<byte[], byte[]> c = groupConsumer(broker.bootstrap(), "durable-group", Map.of())) {
                c.subscribe(List.of("durable"));
                pollUntil(() -> c.assignment().size() == 2, r -> { }, c);
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : before.entrySet()) {
                    assertThat(c.position(e.getKey())).isGreaterThanOrEqualTo(e.getValue().offset());
                }
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void acknowledgedCommitsSurviveKillDashNine() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("broker.err");
        List<String> settings = new ArrayList<>(List.of("listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + data,
                "num.io.threads=2", "num.network.threads=1"));
        FAST_GROUPS.forEach((k, v) -> settings.add(k + "=" + v));
        Process child = ChildBroker.start(stderr, settings.toArray(String[]::new));
        Map<TopicPartition, OffsetAndMetadata> acknowledged = new HashMap<>();
        try {
            String bootstrap = ChildBroker.awaitBootstrap(child);
            createTopic(bootstrap, "crash", 3);
            try (Admin admin = KafkaClients.admin(bootstrap)) {
                for (int round = 1; round <= 20; round++) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (int p = 0; p < 3; p++) {
                        offsets.put(new TopicPartition("crash", p), new OffsetAndMetadata(round * 10L + p, "round " + round));
                    }
                    // an empty group accepts commits from outside (generation -1): each returns once stored
                    admin.alterConsumerGroupOffsets("crash-group", offsets).all().get(20, TimeUnit.SECONDS);
                    acknowledged = offsets;
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no clean shutdown, no flush
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        TestBroker restarted = TestBroker.start(dir, FAST_GROUPS);
        try {
            assertThat(committed(restarted.bootstrap(), "crash-group")).isEqualTo(acknowledged);
        } finally {
            restarted.close();
        }
    }
}
