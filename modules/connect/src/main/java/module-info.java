import dev.sluice.connect.api.Connector;
import dev.sluice.connect.api.Converter;
import dev.sluice.connect.api.Transformation;

/**
 * Sluice Connect: the plugin SPI (connectors, converters, single-message transforms, found with
 * ServiceLoader), the worker in standalone and distributed mode with Kafka Connect's REST interface,
 * the connectors shipped (file source and sink, JDBC source and sink), and mirroring between clusters
 * (MirrorMaker 2's job: {@code dev.sluice.connect.mirror}).
 */
module dev.sluice.connect {
    requires transitive dev.sluice.client;
    requires jdk.httpserver;
    requires java.sql; // the JDBC connectors; drivers are found by DriverManager (ServiceLoader)

    exports dev.sluice.connect.api;
    exports dev.sluice.connect.data;
    // the worker's entry points, for the sluice command
    exports dev.sluice.connect.runtime to dev.sluice.tools;
    exports dev.sluice.connect.standalone to dev.sluice.tools;
    exports dev.sluice.connect.distributed to dev.sluice.tools;
    exports dev.sluice.connect.rest to dev.sluice.tools;
    exports dev.sluice.connect.mirror to dev.sluice.tools; // sluice mirror

    uses Connector;
    uses Converter;
    uses Transformation;

    provides Connector with dev.sluice.connect.file.FileStreamSourceConnector,
            dev.sluice.connect.file.FileStreamSinkConnector,
            dev.sluice.connect.jdbc.JdbcSourceConnector,
            dev.sluice.connect.jdbc.JdbcSinkConnector;
    provides Converter with dev.sluice.connect.converters.StringConverter,
            dev.sluice.connect.converters.ByteArrayConverter,
            dev.sluice.connect.converters.JsonConverter;
    provides Transformation with dev.sluice.connect.transforms.InsertField.Key,
            dev.sluice.connect.transforms.InsertField.Value,
            dev.sluice.connect.transforms.ReplaceField.Key,
            dev.sluice.connect.transforms.ReplaceField.Value,
            dev.sluice.connect.transforms.RegexRouter;
}
