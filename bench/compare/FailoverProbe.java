import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Client side of bench/failover.sh, compiled by the script against the cached kafka-clients.
 *
 * <pre>
 *   FailoverProbe create-topic BOOTSTRAP TOPIC PARTITIONS RF MIN_ISR
 *   FailoverProbe wait-isr BOOTSTRAP TOPIC BROKERS TIMEOUT_S   until every partition is led and its ISR has BROKERS members
 *   FailoverProbe controller BOOTSTRAP                         prints the controller's id
 *   FailoverProbe leaders BOOTSTRAP TOPIC                      prints the ids of the brokers leading partitions, one line
 *   FailoverProbe controller-change BOOTSTRAP OLD KILLFILE TIMEOUT_S
 *   FailoverProbe leaders-moved BOOTSTRAP TOPIC OLD KILLFILE TIMEOUT_S
 * </pre>
 *
 * The two measures print the milliseconds from the time (epoch ms) in KILLFILE until, polling every
 * 20 ms: another controller than OLD is named ({@code controller-change}); every partition of TOPIC
 * is led by a broker other than OLD ({@code leaders-moved}: the metadata clients get once the
 * killed broker's partitions failed over).
 */
public final class FailoverProbe {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "create-topic" -> {
                try (Admin admin = admin(args[1])) {
                    admin.createTopics(List.of(new NewTopic(args[2], Integer.parseInt(args[3]), Short.parseShort(args[4]))
                            .configs(Map.of("min.insync.replicas", args[5])))).all().get(60, TimeUnit.SECONDS);
                }
            }
            case "wait-isr" -> waitIsr(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "controller" -> System.out.println(retrying(args[1], admin -> String.valueOf(controller(admin))));
            case "leaders" -> System.out.println(retrying(args[1], admin -> {
                Set<Integer> leaders = new TreeSet<>();
                for (TopicPartitionInfo p : describe(admin, args[2]).partitions()) {
                    leaders.add(p.leader() == null ? -1 : p.leader().id());
                }
                return String.join(" ", leaders.stream().map(String::valueOf).toList());
            }));
            case "controller-change" -> measure(args[1], Path.of(args[3]), Integer.parseInt(args[4]), admin -> {
                int now = controller(admin);
                return now >= 0 && now != Integer.parseInt(args[2]);
            });
            case "leaders-moved" -> measure(args[1], Path.of(args[4]), Integer.parseInt(args[5]), admin -> {
                int old = Integer.parseInt(args[3]);
                for (TopicPartitionInfo p : describe(admin, args[2]).partitions()) {
                    if (p.leader() == null || p.leader().isEmpty() || p.leader().id() == old) {
                        return false;
                    }
                }
                return true;
            });
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private interface Question {
        String ask(Admin admin) throws Exception;
    }

    /** Asks until answered (a loaded machine answers slowly), for 60 s at most. */
    private static String retrying(String bootstrap, Question question) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                try {
                    return question.ask(admin);
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    private interface Condition {
        boolean holds(Admin admin) throws Exception;
    }

    private static void measure(String bootstrap, Path killFile, int timeoutSeconds, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Admin admin = admin(bootstrap)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (condition.holds(admin)) {
                        long at = System.currentTimeMillis();
                        System.out.println(at - Long.parseLong(Files.readString(killFile).trim()));
                        return;
                    }
                } catch (Exception e) {
                    // the killed broker may have been the one asked; ask again
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("not reached within " + timeoutSeconds + " s");
    }

    private static void waitIsr(String bootstrap, String topic, int brokers, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Admin admin = admin(bootstrap)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (describe(admin, topic).partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()
                            && p.isr().size() >= brokers)) {
                        return;
                    }
                } catch (Exception e) {
                    // a broker still starting
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(topic + ": ISR not full after " + timeoutSeconds + " s");
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(2000)).allTopicNames()
                .get(3, TimeUnit.SECONDS).get(topic);
    }

    private static int controller(Admin admin) throws Exception {
        Node controller = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).controller().get(3, TimeUnit.SECONDS);
        return controller == null ? -1 : controller.id();
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 20, AdminClientConfig.METADATA_MAX_AGE_CONFIG, 100));
    }
}
