import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * bench/compare-mirror.sh's probe (kafka-clients only; one thread): waits until a mirror has copied a
 * topic, i.e. until the target topic's end offsets equal the source topic's, partition by partition.
 *
 * <pre>MirrorBenchClient await SOURCE-BOOTSTRAP TARGET-BOOTSTRAP SOURCE-TOPIC TARGET-TOPIC PARTITIONS TIMEOUT-S</pre>
 * prints "records seconds" (the source's record count; the seconds since this probe started polling) and
 * exits 0, or exits 1 after the timeout with the offsets last seen.
 */
public final class MirrorBenchClient {
    public static void main(String[] args) throws Exception {
        if (args.length != 7 || !args[0].equals("await")) {
            System.err.println("usage: MirrorBenchClient await SOURCE TARGET SOURCE-TOPIC TARGET-TOPIC PARTITIONS TIMEOUT-S");
            System.exit(2);
        }
        int partitions = Integer.parseInt(args[5]);
        long deadline = System.nanoTime() + Long.parseLong(args[6]) * 1_000_000_000L;
        long start = System.nanoTime();
        try (Admin source = admin(args[1]); Admin target = admin(args[2])) {
            Map<Integer, Long> want = endOffsets(source, args[3], partitions);
            long total = want.values().stream().mapToLong(Long::longValue).sum();
            Map<Integer, Long> seen = Map.of();
            while (System.nanoTime() < deadline) {
                try {
                    seen = endOffsets(target, args[4], partitions);
                    if (seen.equals(want)) {
                        System.out.printf("%d %.3f%n", total, (System.nanoTime() - start) / 1e9);
                        return;
                    }
                } catch (Exception e) {
                    // the remote topic does not exist yet: poll again
                }
                Thread.sleep(50);
            }
            System.err.println("timed out: source end offsets " + want + ", target " + seen);
            System.exit(1);
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private static Map<Integer, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        Map<Integer, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
        return offsets;
    }
}
