package dev.sluice.streams;

import java.util.Properties;

/**
 * A word-count instance in a process of its own, for tests that kill it with SIGKILL. Arguments:
 * bootstrap, application id, input topic, output topic, state dir, processing guarantee. Prints
 * {@code tasks <ids>} whenever its tasks change; runs until killed.
 */
public final class ChildInstance {
    private ChildInstance() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", args[0]);
        p.put("application.id", args[1]);
        p.put("state.dir", args[4]);
        p.put("processing.guarantee", args[5]);
        p.put("commit.interval.ms", "100");
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "500");
        p.put("producer.transaction.timeout.ms", "5000");
        SluiceStreams streams = new SluiceStreams(WordCount.topology(args[2], args[3]), p);
        streams.start();
        String last = "";
        while (true) {
            String tasks = streams.activeTasks().toString();
            if (!tasks.equals(last)) {
                System.out.println("tasks " + tasks);
                System.out.flush();
                last = tasks;
            }
            Thread.sleep(50);
        }
    }
}
