package dev.sluice.connect.runtime;

import java.util.List;
import java.util.Map;

/**
 * What the REST interface asks of a worker, in either mode (Kafka Connect's herder). Thread-safe.
 * Unknown names throw {@link NotFoundException}; invalid configurations
 * {@link dev.sluice.connect.api.ConfigException}.
 */
public interface Herder extends AutoCloseable {

    /** A connector's configuration and tasks, as {@code GET /connectors/{name}} shows them. */
    record ConnectorInfo(String name, Map<String, String> config, List<ConnectorTaskId> tasks, String type) {
    }

    /** A connector's state and its tasks' ({@code GET /connectors/{name}/status}). */
    record ConnectorStatus(String name, Status connector, Map<Integer, Status> tasks, String type) {
    }

    /** The outcome of a PUT or POST of a configuration. */
    record Created(ConnectorInfo info, boolean created) {
    }

    String workerId();

    List<String> connectors();

    ConnectorInfo connectorInfo(String name);

    /**
     * Creates or replaces a connector.
     *
     * @param allowReplace false for POST /connectors: an existing name is {@link AlreadyExistsException}
     */
    Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace);

    void deleteConnector(String name);

    ConnectorStatus status(String name);

    /** The task configurations, in task order. */
    List<Map<String, String>> taskConfigs(String name);

    void pause(String name);

    void resume(String name);

    /** Restarts the connector, and its tasks when asked (only the failed ones with {@code onlyFailed}). */
    void restartConnector(String name, boolean includeTasks, boolean onlyFailed);

    void restartTask(ConnectorTaskId id);

    Plugins plugins();

    @Override
    void close();
}
