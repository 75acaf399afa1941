package dev.sluice.client;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.assignor.CooperativeStickyAssignor;
import dev.sluice.client.consumer.assignor.MemberSubscription;
import dev.sluice.client.consumer.assignor.PartitionAssignor;
import dev.sluice.client.consumer.assignor.PartitionAssignors;
import dev.sluice.client.consumer.assignor.RangeAssignor;
import dev.sluice.client.consumer.assignor.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.AbstractPartitionAssignor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our assignors against kafka-clients' on many random groups. range and roundrobin must give
 * exactly kafka-clients' assignment. cooperative-sticky is compared by its guarantees (Kafka's
 * sticky algorithm breaks ties its own way, so exact equality is not expected): valid, never hands
 * a partition to a new owner while another member owns it, balanced once the revoked partitions
 * are handed over, and moves no more partitions than kafka-clients does.
 */
class AssignorCompatibilityTest {
    record Group(Map<String, Integer> partitions, Map<String, MemberSubscription> members) {
    }

    @Test
    void namesAndKafkaClassNamesResolve() {
        assertThat(PartitionAssignors.byName("org.apache.kafka.clients.consumer.RangeAssignor")).get()
                .isInstanceOf(RangeAssignor.class);
        assertThat(PartitionAssignors.byName("roundrobin")).get().isInstanceOf(RoundRobinAssignor.class);
        assertThat(PartitionAssignors.byName("org.apache.kafka.clients.consumer.CooperativeStickyAssignor").get().name())
                .isEqualTo(new org.apache.kafka.clients.consumer.CooperativeStickyAssignor().name());
        assertThat(new RangeAssignor().name()).isEqualTo(new org.apache.kafka.clients.consumer.RangeAssignor().name());
        assertThat(new RoundRobinAssignor().name()).isEqualTo(new org.apache.kafka.clients.consumer.RoundRobinAssignor().name());
        assertThat(PartitionAssignors.byName("sticky")).isEmpty();
    }

    @Test
    void rangeGivesKafkasAssignment() {
        sameAsKafka(new RangeAssignor(), new org.apache.kafka.clients.consumer.RangeAssignor());
    }

    @Test
    void roundRobinGivesKafkasAssignment() {
        sameAsKafka(new RoundRobinAssignor(), new org.apache.kafka.clients.consumer.RoundRobinAssignor());
    }

    private static void sameAsKafka(PartitionAssignor ours, AbstractPartitionAssignor kafka) {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            Group group = randomGroup(random, false);
            Map<String, List<TopicPartition>> mine = ours.assign(group.partitions(), group.members());
            Map<String, List<org.apache.kafka.common.TopicPartition>> theirs =
                    kafka.assign(group.partitions(), toKafka(group.members()));
            assertThat(asSets(mine)).as("round %d: %s", round, group).isEqualTo(kafkaAsSets(theirs));
        }
    }

    @Test
    void cooperativeStickyKeepsKafkasGuarantees() {
        Random random = new Random(7);
        CooperativeStickyAssignor ours = new CooperativeStickyAssignor();
        org.apache.kafka.clients.consumer.CooperativeStickyAssignor kafka = new org.apache.kafka.clients.consumer.CooperativeStickyAssignor();
        for (int r = 0; r < 300; r++) {
            int round = r;
            Group group = randomGroup(random, true);
            boolean sameTopics = group.members().values().stream().map(m -> Set.copyOf(m.topics())).distinct().count() == 1;
            Map<String, List<TopicPartition>> first = ours.assign(group.partitions(), group.members());
            validate(group, first);
            Map<TopicPartition, String> owners = owners(group);
            first.forEach((member, partitions) -> partitions.forEach(tp ->
                    assertThat(owners.getOrDefault(tp, member)).as("round %d: %s handed over while owned", round, tp)
                            .isEqualTo(member)));
            int ourMoves = moved(group, first);
            int kafkaMoves = moved(group, fromKafka(kafka.assign(group.partitions(), toKafka(group.members()))));
            assertThat(ourMoves).as("round %d (same topics %s): partitions revoked, ours vs kafka-clients: %s", round, sameTopics, group).isLessThanOrEqualTo(kafkaMoves);

            // the second rebalance: every member now owns what it kept
            Map<String, MemberSubscription> next = new TreeMap<>();
            group.members().forEach((id, m) -> next.put(id, new MemberSubscription(id, m.groupInstanceId(), m.topics(),
                    first.get(id), 5, null)));
            Group second = new Group(group.partitions(), next);
            Map<String, List<TopicPartition>> settled = ours.assign(second.partitions(), second.members());
            validate(second, settled);
            assertThat(moved(second, settled)).as("round %d: the second round only adds", round).isZero();
            assertThat(unassignedSubscribed(second, settled)).isEmpty();
            if (sameTopics) {
                int max = settled.values().stream().mapToInt(List::size).max().orElse(0);
                int min = settled.values().stream().mapToInt(List::size).min().orElse(0);
                assertThat(max - min).as("round %d: balanced", round).isLessThanOrEqualTo(1);
            }
        }
    }

    /** Every partition at most once, only to a subscriber of its topic, only existing partitions. */
    private static void validate(Group group, Map<String, List<TopicPartition>> assignment) {
        assertThat(assignment.keySet()).isEqualTo(group.members().keySet());
        Set<TopicPartition> seen = new HashSet<>();
        assignment.forEach((member, partitions) -> partitions.forEach(tp -> {
            assertThat(seen.add(tp)).as("%s assigned twice", tp).isTrue();
            assertThat(group.members().get(member).topics()).contains(tp.topic());
            assertThat(tp.partition()).isLessThan(group.partitions().get(tp.topic()));
        }));
    }

    private static Set<TopicPartition> unassignedSubscribed(Group group, Map<String, List<TopicPartition>> assignment) {
        Set<TopicPartition> missing = new HashSet<>();
        group.members().values().forEach(m -> m.topics().forEach(t -> {
            for (int p = 0; p < group.partitions().getOrDefault(t, 0); p++) {
                missing.add(new TopicPartition(t, p));
            }
        }));
        assignment.values().forEach(missing::removeAll);
        return missing;
    }

    /** Owned partitions the assignment takes away from their owner. */
    private static int moved(Group group, Map<String, List<TopicPartition>> assignment) {
        Map<TopicPartition, String> owners = owners(group);
        int moved = 0;
        for (Map.Entry<TopicPartition, String> e : owners.entrySet()) {
            if (!assignment.get(e.getValue()).contains(e.getKey())) {
                moved++;
            }
        }
        return moved;
    }

    private static Map<TopicPartition, String> owners(Group group) {
        Map<TopicPartition, String> owners = new HashMap<>();
        group.members().forEach((id, m) -> m.ownedPartitions().forEach(tp -> {
            if (m.topics().contains(tp.topic()) && group.partitions().containsKey(tp.topic())
                    && tp.partition() < group.partitions().get(tp.topic())) {
                owners.put(tp, id);
            }
        }));
        return owners;
    }

    /**
     * Up to 5 topics of 1-12 partitions and 1-7 members (some static); subscriptions equal or
     * random; with {@code owned}, members own a random disjoint share of the partitions (as after a
     * previous generation), including some of topics they since left.
     */
    private static Group randomGroup(Random random, boolean owned) {
        Map<String, Integer> partitions = new TreeMap<>();
        int topics = 1 + random.nextInt(5);
        for (int t = 0; t < topics; t++) {
            partitions.put("t" + t, 1 + random.nextInt(12));
        }
        List<String> names = new ArrayList<>(partitions.keySet());
        boolean equal = random.nextBoolean();
        int memberCount = 1 + random.nextInt(7);
        List<List<String>> subscriptions = new ArrayList<>();
        for (int m = 0; m < memberCount; m++) {
            List<String> mine = new ArrayList<>();
            for (String name : names) {
                if (equal || random.nextInt(3) > 0) {
                    mine.add(name);
                }
            }
            if (mine.isEmpty()) {
                mine.add(names.get(random.nextInt(names.size())));
            }
            subscriptions.add(mine);
        }
        Map<String, List<TopicPartition>> ownedBy = new HashMap<>();
        if (owned) {
            partitions.forEach((topic, count) -> {
                for (int p = 0; p < count; p++) {
                    int owner = random.nextInt(memberCount + 2); // some partitions are unowned
                    if (owner < memberCount) {
                        ownedBy.computeIfAbsent("member-" + owner, k -> new ArrayList<>()).add(new TopicPartition(topic, p));
                    }
                }
            });
        }
        Map<String, MemberSubscription> members = new TreeMap<>();
        for (int m = 0; m < memberCount; m++) {
            String id = "member-" + m;
            String instance = random.nextInt(4) == 0 ? "instance-" + random.nextInt(100) + "-" + m : null;
            members.put(id, new MemberSubscription(id, instance, subscriptions.get(m), ownedBy.getOrDefault(id, List.of()),
                    owned ? 4 : -1, null));
        }
        return new Group(partitions, members);
    }

    private static Map<String, Subscription> toKafka(Map<String, MemberSubscription> members) {
        Map<String, Subscription> out = new HashMap<>();
        members.forEach((id, m) -> {
            List<org.apache.kafka.common.TopicPartition> owned = m.ownedPartitions().stream()
                    .map(tp -> new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())).toList();
            Subscription s = new Subscription(m.topics(), m.generationId() >= 0
                    ? ByteBuffer.allocate(4).putInt(0, m.generationId()) : null, owned, m.generationId(), Optional.empty());
            s.setGroupInstanceId(Optional.ofNullable(m.groupInstanceId()));
            out.put(id, s);
        });
        return out;
    }

    private static Map<String, List<TopicPartition>> fromKafka(Map<String, List<org.apache.kafka.common.TopicPartition>> kafka) {
        Map<String, List<TopicPartition>> out = new HashMap<>();
        kafka.forEach((m, list) -> out.put(m, list.stream().map(tp -> new TopicPartition(tp.topic(), tp.partition())).toList()));
        return out;
    }

    private static Map<String, Set<TopicPartition>> asSets(Map<String, List<TopicPartition>> assignment) {
        Map<String, Set<TopicPartition>> out = new TreeMap<>();
        assignment.forEach((m, list) -> out.put(m, new HashSet<>(list)));
        return out;
    }

    private static Map<String, Set<TopicPartition>> kafkaAsSets(Map<String, List<org.apache.kafka.common.TopicPartition>> kafka) {
        return asSets(fromKafka(kafka));
    }
}
