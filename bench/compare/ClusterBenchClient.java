import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client side of bench/compare-cluster.sh (a 3-node Sluice vs a 3-node Apache Kafka), compiled by
 * the script against the cached kafka-clients.
 *
 * <pre>
 *   ClusterBenchClient create-topics BOOTSTRAP PARTITIONS RF MIN_ISR TOPIC...
 *   ClusterBenchClient wait-brokers BOOTSTRAP N TIMEOUT_S       until N brokers are listed
 *   ClusterBenchClient leader BOOTSTRAP TOPIC PARTITION        prints the leader's node id
 *   ClusterBenchClient leaders BOOTSTRAP TOPIC...              prints "topic-partition leader" per partition
 *   ClusterBenchClient controller BOOTSTRAP                    prints the controller (KRaft: quorum leader)
 *   ClusterBenchClient controller-change BOOTSTRAP OLD KILLFILE TIMEOUT_S
 *   ClusterBenchClient failover BOOTSTRAP TOPIC RATE SECONDS KILLFILE
 * </pre>
 *
 * {@code controller-change} polls until another controller than OLD is named, then prints the
 * milliseconds since the time (epoch ms) written in KILLFILE. In KRaft mode DescribeCluster names a
 * random broker as "controller", so the quorum leader (DescribeMetadataQuorum) is used when the
 * cluster answers it; ZooKeeper-mode clusters (Sluice) name their controller in DescribeCluster.
 *
 * <p>{@code failover} runs an idempotent acks=all producer at RATE records/s on partition 0 of TOPIC
 * for SECONDS, each value a sequence number, while the script kill -9s the partition's leader and
 * writes the kill time to KILLFILE. At the end it reads the partition back and prints one line:
 * {@code sent acked failed lost duplicated failover-ms} where failover-ms is from the kill to the
 * first acknowledgement of a record sent after it, lost counts acknowledged values not read back
 * and duplicated values read more than once.
 */
public final class ClusterBenchClient {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "create-topics" -> createTopics(args[1], Integer.parseInt(args[2]), Short.parseShort(args[3]), args[4],
                    List.of(args).subList(5, args.length));
            case "wait-brokers" -> waitBrokers(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "leader" -> System.out.println(leader(args[1], args[2], Integer.parseInt(args[3])));
            case "leaders" -> leaders(args[1], List.of(args).subList(2, args.length));
            case "controller" -> {
                try (Admin admin = admin(args[1])) {
                    System.out.println(controller(admin));
                }
            }
            case "controller-change" -> controllerChange(args[1], Integer.parseInt(args[2]), Path.of(args[3]),
                    Integer.parseInt(args[4]));
            case "failover" -> failover(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Path.of(args[5]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
    }

    private static void createTopics(String bootstrap, int partitions, short rf, String minIsr, List<String> topics)
            throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, partitions, rf).configs(Map.of("min.insync.replicas", minIsr)));
            }
            admin.createTopics(newTopics).all().get();
            // wait until every partition has a leader everywhere the client looks
            for (String t : topics) {
                for (int p = 0; p < partitions; p++) {
                    leader(bootstrap, t, p);
                }
            }
        }
    }

    private static void waitBrokers(String bootstrap, int n, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get().size() >= n) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(n + " brokers not listed after " + timeoutSeconds + " s");
                }
                Thread.sleep(200);
            }
        }
    }

    private static int leader(String bootstrap, String topic, int partition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    Node leader = d.partitions().get(partition).leader();
                    if (leader != null && leader.id() >= 0) {
                        return leader.id();
                    }
                } catch (Exception e) {
                    // not there yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leader for " + topic + "-" + partition + " after 60 s");
                }
                Thread.sleep(100);
            }
        }
    }

    /** Every partition of {@code topics} and its leader (-1: none), sorted: the script compares two of these. */
    private static void leaders(String bootstrap, List<String> topics) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<String> lines = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((topic, d) -> d.partitions().forEach(p ->
                    lines.add(topic + "-" + p.partition() + " " + (p.leader() == null ? -1 : p.leader().id()))));
            lines.stream().sorted().forEach(System.out::println);
        }
    }

    private static int controller(Admin admin) throws Exception {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get(3, TimeUnit.SECONDS).leaderId();
        } catch (Exception e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnsupportedVersionException)) {
                throw e;
            }
        }
        Node controller = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).controller().get();
        return controller == null ? -1 : controller.id();
    }

    private static void controllerChange(String bootstrap, int old, Path killFile, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Admin admin = admin(bootstrap)) {
            while (System.nanoTime() < deadline) {
                try {
                    int now = controller(admin);
                    if (now >= 0 && now != old) {
                        long at = System.currentTimeMillis();
                        long killedAt = Long.parseLong(Files.readString(killFile).trim());
                        System.out.println(at - killedAt);
                        return;
                    }
                } catch (Exception e) {
                    // the killed broker may have been the one asked; ask again
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("no new controller after " + timeoutSeconds + " s");
    }

    private static void failover(String bootstrap, String topic, int rate, int seconds, Path killFile) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        int total = rate * seconds;
        long[] sentAt = new long[total];
        long[] ackedAt = new long[total];
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                final int seq = i;
                sentAt[i] = System.currentTimeMillis();
                producer.send(new ProducerRecord<>(topic, 0, null, ByteBuffer.allocate(4).putInt(i).array()), (m, e) -> {
                    if (e == null) {
                        ackedAt[seq] = System.currentTimeMillis();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        long killedAt = Files.exists(killFile) ? Long.parseLong(Files.readString(killFile).trim()) : -1;
        long acked = Arrays.stream(ackedAt).filter(t -> t > 0).count();
        long firstAckAfterKill = Long.MAX_VALUE;
        for (int i = 0; i < total; i++) {
            if (killedAt > 0 && sentAt[i] >= killedAt && ackedAt[i] > 0) {
                firstAckAfterKill = Math.min(firstAckAfterKill, ackedAt[i]);
            }
        }
        int[] seen = readBack(bootstrap, topic, total);
        long lost = 0;
        long duplicated = 0;
        for (int i = 0; i < total; i++) {
            if (ackedAt[i] > 0 && seen[i] == 0) {
                lost++;
            }
            if (seen[i] > 1) {
                duplicated++;
            }
        }
        String failoverMs = killedAt < 0 || firstAckAfterKill == Long.MAX_VALUE ? "-" : Long.toString(firstAckAfterKill - killedAt);
        System.out.println(total + " " + acked + " " + failed.get() + " " + lost + " " + duplicated + " " + failoverMs);
    }

    /** How often each sequence number appears in partition 0 of the topic, read to its end. */
    private static int[] readBack(String bootstrap, String topic, int total) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        int[] seen = new int[total];
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    int seq = ByteBuffer.wrap(r.value()).getInt();
                    if (seq >= 0 && seq < total) {
                        seen[seq]++;
                    }
                }
            }
        }
        return seen;
    }
}
