package dev.sluice.connect.api;

import java.util.List;
import java.util.Map;

/**
 * Splits a job into task configurations. A connector instance is created per connector name and
 * lives between {@link #start} and {@link #stop}; the worker calls it from one thread at a time.
 * Implementations need a public no-argument constructor.
 */
public sealed interface Connector extends ConnectPlugin permits SourceConnector, SinkConnector {

    /** Called once with the validated settings. */
    void start(Map<String, String> config, ConnectorContext context);

    /**
     * A new instance of this connector's task (Kafka's {@code taskClass()}, without reflection, so a
     * plugin module need not open its packages).
     */
    Task newTask();

    /** One map per task, at most {@code maxTasks}. */
    List<Map<String, String>> taskConfigs(int maxTasks);

    void stop();
}
