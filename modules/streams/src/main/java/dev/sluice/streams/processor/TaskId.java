package dev.sluice.streams.processor;

/**
 * A task: one partition of one sub-topology. Its input is that partition of each of the
 * sub-topology's source topics; its stores log to that partition of their changelogs.
 */
public record TaskId(int subtopology, int partition) implements Comparable<TaskId> {
    /** Parses {@code 0_3}. */
    public static TaskId parse(String text) {
        int sep = text.indexOf('_');
        return new TaskId(Integer.parseInt(text.substring(0, sep)), Integer.parseInt(text.substring(sep + 1)));
    }

    @Override
    public int compareTo(TaskId o) {
        int c = Integer.compare(subtopology, o.subtopology);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return subtopology + "_" + partition;
    }
}
