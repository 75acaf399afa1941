package dev.sluice.connect.jdbc;

import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.SourceRecord;
import dev.sluice.connect.api.SourceTask;
import dev.sluice.connect.api.SourceTaskContext;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.Struct;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Queries each of its tables in turn for rows past its offset ({@code {"incrementing": id,
 * "timestamp": ms, "timestamp_nanos": ns}} under {@code {"table": name}}), ordered so that the offset
 * of the last row returned covers every row before it; waits {@code poll.interval.ms} between rounds
 * over a table that had nothing new. Rows become structs named after the table (numeric and decimal
 * columns as FLOAT64, dates and timestamps as Kafka's Timestamp). Task thread, except {@link #stop}.
 */
public final class JdbcSourceTask implements SourceTask {
    private static final System.Logger LOG = System.getLogger(JdbcSourceTask.class.getName());

    private SourceTaskContext context;
    private Map<String, String> config;
    private List<String> tables;
    private String mode;
    private String incColumn;
    private String tsColumn;
    private long pollIntervalMs;
    private int batchRows;
    private String topicPrefix;
    private Connection connection;
    private final Map<String, TableOffset> offsets = new HashMap<>();
    private final Map<String, Long> nextPoll = new HashMap<>();
    private volatile boolean stopped;

    /** Where a table was read up to. */
    private record TableOffset(long incrementing, long timestampMs, int timestampNanos) {
        Map<String, Object> toMap() {
            return Map.of("incrementing", incrementing, "timestamp", timestampMs, "timestamp_nanos", timestampNanos);
        }

        Timestamp timestamp() {
            Timestamp t = new Timestamp(timestampMs);
            t.setNanos(timestampNanos);
            return t;
        }
    }

    @Override
    public void initialize(SourceTaskContext taskContext) {
        this.context = taskContext;
    }

    @Override
    public void start(Map<String, String> settings) {
        this.config = settings;
        var v = JdbcSourceConnector.CONFIG.parse(settings);
        tables = List.of(settings.get("tables").split(","));
        mode = v.getString("mode");
        incColumn = v.getString("incrementing.column.name");
        tsColumn = v.getString("timestamp.column.name");
        pollIntervalMs = v.getLong("poll.interval.ms");
        batchRows = v.getInt("batch.max.rows");
        topicPrefix = v.getString("topic.prefix");
        for (String table : tables) {
            Map<String, Object> stored = context.offset(Map.of("table", table));
            offsets.put(table, stored == null ? new TableOffset(-1, 0, 0) : new TableOffset(
                    ((Number) stored.getOrDefault("incrementing", -1L)).longValue(),
                    ((Number) stored.getOrDefault("timestamp", 0L)).longValue(),
                    ((Number) stored.getOrDefault("timestamp_nanos", 0L)).intValue()));
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        long now = System.currentTimeMillis();
        for (String table : tables) {
            if (stopped) {
                return null;
            }
            if (nextPoll.getOrDefault(table, 0L) > now) {
                continue;
            }
            List<SourceRecord> records = query(table);
            if (records.size() < batchRows) {
                nextPoll.put(table, now + pollIntervalMs);
            }
            if (!records.isEmpty()) {
                return records;
            }
        }
        long wait = nextPoll.values().stream().mapToLong(t -> t - System.currentTimeMillis()).min().orElse(pollIntervalMs);
        Thread.sleep(Math.max(1, Math.min(wait, 200)));
        return null;
    }

    private String sql(String table) {
        String t = JdbcSettings.quote(table);
        String inc = JdbcSettings.quote(incColumn);
        String ts = JdbcSettings.quote(tsColumn);
        return switch (mode) {
            case "bulk" -> "SELECT * FROM " + t;
            case "incrementing" -> "SELECT * FROM " + t + " WHERE " + inc + " > ? ORDER BY " + inc + " LIMIT " + batchRows;
            case "timestamp" -> "SELECT * FROM " + t + " WHERE " + ts + " > ? ORDER BY " + ts + " LIMIT " + batchRows;
            default -> "SELECT * FROM " + t + " WHERE (" + ts + " = ? AND " + inc + " > ?) OR " + ts + " > ? ORDER BY "
                    + ts + ", " + inc + " LIMIT " + batchRows;
        };
    }

    private List<SourceRecord> query(String table) {
        TableOffset offset = offsets.get(table);
        List<SourceRecord> out = new ArrayList<>();
        try {
            if (connection == null || connection.isClosed()) {
                connection = JdbcSettings.connect(config);
            }
            try (PreparedStatement st = connection.prepareStatement(sql(table))) {
                switch (mode) {
                    case "incrementing" -> st.setLong(1, offset.incrementing());
                    case "timestamp" -> st.setTimestamp(1, offset.timestamp());
                    case "timestamp+incrementing" -> {
                        st.setTimestamp(1, offset.timestamp());
                        st.setLong(2, offset.incrementing());
                        st.setTimestamp(3, offset.timestamp());
                    }
                    default -> {
                    }
                }
                try (ResultSet rs = st.executeQuery()) {
                    Schema schema = schemaOf(table, rs.getMetaData());
                    while (rs.next()) {
                        Struct row = row(schema, rs);
                        if (!mode.equals("bulk")) {
                            long inc = mode.contains("incrementing") ? rs.getLong(incColumn) : offset.incrementing();
                            Timestamp ts = mode.startsWith("timestamp") ? rs.getTimestamp(tsColumn) : null;
                            offset = ts == null ? new TableOffset(inc, offset.timestampMs(), offset.timestampNanos())
                                    : new TableOffset(inc, ts.getTime(), ts.getNanos());
                        }
                        out.add(new SourceRecord(Map.of("table", table), offset.toMap(), topicPrefix + table, null,
                                null, null, schema, row, null, List.of()));
                    }
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            closeConnection();
            throw JdbcSettings.classify("cannot read table " + table, e);
        }
        offsets.put(table, offset);
        return out;
    }

    private static Schema schemaOf(String table, ResultSetMetaData md) throws SQLException {
        Schema.StructBuilder b = Schema.struct().name(table);
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Schema s = columnSchema(md.getColumnType(i));
            b.field(md.getColumnLabel(i), md.isNullable(i) == ResultSetMetaData.columnNoNulls ? s : s.asOptional());
        }
        return b.build();
    }

    static Schema columnSchema(int sqlType) {
        return switch (sqlType) {
            case Types.BOOLEAN, Types.BIT -> Schema.BOOLEAN;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> Schema.INT32;
            case Types.BIGINT -> Schema.INT64;
            case Types.REAL -> Schema.FLOAT32;
            case Types.FLOAT, Types.DOUBLE, Types.NUMERIC, Types.DECIMAL -> Schema.FLOAT64;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Schema.BYTES;
            case Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> Schema.of(Schema.Type.INT64)
                    .named(Schema.TIMESTAMP_NAME);
            default -> Schema.STRING;
        };
    }

    private static Struct row(Schema schema, ResultSet rs) throws SQLException {
        Struct row = new Struct(schema);
        for (Schema.Field f : schema.fields()) {
            int col = f.index() + 1;
            Object value = switch (f.schema().type()) {
                case BOOLEAN -> rs.getBoolean(col);
                case INT32 -> rs.getInt(col);
                case INT64 -> {
                    if (Schema.TIMESTAMP_NAME.equals(f.schema().name())) {
                        Timestamp t = rs.getTimestamp(col);
                        yield t == null ? null : t.getTime();
                    }
                    yield rs.getLong(col);
                }
                case FLOAT32 -> rs.getFloat(col);
                case FLOAT64 -> rs.getDouble(col);
                case BYTES -> rs.getBytes(col);
                default -> rs.getString(col);
            };
            row.put(f.name(), rs.wasNull() ? null : value);
        }
        return row;
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the connection failed", e);
        }
        connection = null;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void commit() {
        if (stopped) {
            closeConnection();
        }
    }
}
