package dev.sluice.connect.jdbc;

import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.SinkRecord;
import dev.sluice.connect.api.SinkTask;
import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.Struct;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes each {@code put} in one transaction: a row per record from its struct value (and key), as
 * {@code INSERT}, or for upserts {@code INSERT ... ON CONFLICT (pk) DO UPDATE SET c = EXCLUDED.c}
 * (the same statement in SQLite and PostgreSQL). A missing table is created from the first record's
 * schema when {@code auto.create}. Records without a value (tombstones) are skipped. Task thread only.
 */
public final class JdbcSinkTask implements SinkTask {
    private static final System.Logger LOG = System.getLogger(JdbcSinkTask.class.getName());

    private Map<String, String> config;
    private boolean upsert;
    private String pkMode;
    private List<String> pkFields;
    private boolean autoCreate;
    private String tableFormat;
    private boolean postgres;
    private Connection connection;
    private final Set<String> knownTables = new HashSet<>();

    /** One row to write: column → (schema, value), in order. */
    private record Row(String table, LinkedHashMap<String, Schema> schemas, Map<String, Object> values, List<String> pk) {
    }

    @Override
    public void start(Map<String, String> settings) {
        this.config = settings;
        var v = JdbcSinkConnector.CONFIG.parse(settings);
        upsert = v.getString("insert.mode").equals("upsert");
        pkMode = v.getString("pk.mode");
        pkFields = v.getList("pk.fields");
        autoCreate = v.getBoolean("auto.create");
        tableFormat = v.getString("table.name.format");
        postgres = JdbcSettings.isPostgres(settings.get("connection.url"));
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<Row> rows = new ArrayList<>();
        for (SinkRecord r : records) {
            if (r.value() == null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "skipping a tombstone at " + r.topic() + "@" + r.kafkaOffset());
                continue;
            }
            rows.add(row(r));
        }
        if (rows.isEmpty()) {
            return;
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = JdbcSettings.connect(config);
                connection.setAutoCommit(false);
            }
            for (Row row : rows) {
                ensureTable(row);
                try (PreparedStatement st = connection.prepareStatement(sql(row))) {
                    int i = 1;
                    for (Map.Entry<String, Schema> c : row.schemas().entrySet()) {
                        bind(st, i++, c.getValue(), row.values().get(c.getKey()));
                    }
                    st.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                if (connection != null) {
                    connection.rollback();
                    connection.close();
                }
            } catch (SQLException ignored) {
                // the connection is being dropped anyway
            }
            connection = null;
            throw JdbcSettings.classify("cannot write " + rows.size() + " rows", e);
        }
    }

    private Row row(SinkRecord r) {
        if (!(r.value() instanceof Struct value)) {
            throw new DataException("the JDBC sink needs a struct value with a schema (e.g. JsonConverter with "
                    + "schemas.enable=true), got " + (r.value() == null ? "null" : r.value().getClass().getSimpleName()));
        }
        LinkedHashMap<String, Schema> schemas = new LinkedHashMap<>();
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> pk = new ArrayList<>();
        if (pkMode.equals("record_key")) {
            if (r.key() instanceof Struct key) {
                for (Schema.Field f : key.schema().fields()) {
                    if (pkFields.isEmpty() || pkFields.contains(f.name())) {
                        schemas.put(f.name(), f.schema());
                        values.put(f.name(), key.get(f));
                        pk.add(f.name());
                    }
                }
            } else if (r.key() != null && r.keySchema() != null) {
                String column = pkFields.isEmpty() ? "__connect_key" : pkFields.get(0);
                schemas.put(column, r.keySchema());
                values.put(column, r.key());
                pk.add(column);
            } else {
                throw new DataException("pk.mode=record_key needs a key with a schema at " + r.topic() + "@" + r.kafkaOffset());
            }
        }
        for (Schema.Field f : value.schema().fields()) {
            if (!schemas.containsKey(f.name())) {
                schemas.put(f.name(), f.schema());
                values.put(f.name(), value.get(f));
            }
        }
        if (pkMode.equals("record_value")) {
            for (String f : pkFields) {
                if (!schemas.containsKey(f)) {
                    throw new DataException("pk.fields: the value has no field " + f);
                }
                pk.add(f);
            }
        }
        return new Row(tableFormat.replace("${topic}", r.topic()), schemas, values, pk);
    }

    private String sql(Row row) {
        List<String> cols = row.schemas().keySet().stream().map(JdbcSettings::quote).toList();
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(JdbcSettings.quote(row.table())).append(" (")
                .append(String.join(", ", cols)).append(") VALUES (")
                .append(String.join(", ", java.util.Collections.nCopies(cols.size(), "?"))).append(')');
        if (upsert) {
            sql.append(" ON CONFLICT (").append(String.join(", ", row.pk().stream().map(JdbcSettings::quote).toList()))
                    .append(')');
            List<String> updates = row.schemas().keySet().stream().filter(c -> !row.pk().contains(c))
                    .map(c -> JdbcSettings.quote(c) + " = EXCLUDED." + JdbcSettings.quote(c)).toList();
            sql.append(updates.isEmpty() ? " DO NOTHING" : " DO UPDATE SET " + String.join(", ", updates));
        }
        return sql.toString();
    }

    private void ensureTable(Row row) throws SQLException {
        if (knownTables.contains(row.table())) {
            return;
        }
        boolean exists;
        try (ResultSet rs = connection.getMetaData().getTables(null, null, row.table(), null)) {
            exists = rs.next();
        }
        if (!exists) {
            if (!autoCreate) {
                throw new ConnectException("table " + row.table() + " does not exist; create it or set auto.create=true");
            }
            List<String> cols = new ArrayList<>();
            row.schemas().forEach((c, s) -> cols.add(JdbcSettings.quote(c) + " " + sqlType(s)
                    + (s.optional() && !row.pk().contains(c) ? "" : " NOT NULL")));
            if (!row.pk().isEmpty()) {
                cols.add("PRIMARY KEY (" + String.join(", ", row.pk().stream().map(JdbcSettings::quote).toList()) + ")");
            }
            String ddl = "CREATE TABLE " + JdbcSettings.quote(row.table()) + " (" + String.join(", ", cols) + ")";
            try (Statement st = connection.createStatement()) {
                st.execute(ddl);
            }
            connection.commit();
            LOG.log(System.Logger.Level.INFO, "created table: " + ddl);
        }
        knownTables.add(row.table());
    }

    private String sqlType(Schema s) {
        if (Schema.TIMESTAMP_NAME.equals(s.name())) {
            return "TIMESTAMP";
        }
        return switch (s.type()) {
            case INT8, INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "REAL";
            case FLOAT64 -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> "TEXT";
            case BYTES -> postgres ? "BYTEA" : "BLOB";
            default -> throw new DataException("a " + s.type().jsonName() + " field has no column type");
        };
    }

    private static void bind(PreparedStatement st, int index, Schema s, Object value) throws SQLException {
        boolean timestamp = Schema.TIMESTAMP_NAME.equals(s.name());
        if (value == null) {
            st.setNull(index, timestamp ? Types.TIMESTAMP : switch (s.type()) {
                case INT8, INT16 -> Types.SMALLINT;
                case INT32 -> Types.INTEGER;
                case INT64 -> Types.BIGINT;
                case FLOAT32 -> Types.REAL;
                case FLOAT64 -> Types.DOUBLE;
                case BOOLEAN -> Types.BOOLEAN;
                case BYTES -> Types.BINARY;
                default -> Types.VARCHAR;
            });
        } else if (timestamp) {
            st.setTimestamp(index, new Timestamp(((Number) value).longValue()));
        } else if (value instanceof byte[] bytes) {
            st.setBytes(index, bytes);
        } else {
            st.setObject(index, value);
        }
    }

    @Override
    public void stop() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the connection failed", e);
        }
    }
}
