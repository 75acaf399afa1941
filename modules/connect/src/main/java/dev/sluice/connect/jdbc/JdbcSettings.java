package dev.sluice.connect.jdbc;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.RetriableException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The connection settings both JDBC connectors share (Confluent's JDBC connector names:
 * {@code connection.url}, {@code connection.user}, {@code connection.password}) and how failures are
 * classified: a lost connection (SQLState class 08) may pass on retry, anything else stops the task.
 * Stateless; any thread.
 */
final class JdbcSettings {
    static final List<dev.sluice.api.config.ConfigKey> CONNECTION = PluginConfigDef.builder()
            .required("connection.url", ConfigType.STRING, Validator.nonEmpty(),
                    "the JDBC URL, e.g. jdbc:sqlite:/var/db/app.db or jdbc:postgresql://host:5432/db")
            .optional("connection.user", ConfigType.STRING, null, null, "the database user")
            .optional("connection.password", ConfigType.PASSWORD, null, null, "the user's password")
            .build().def().keys().stream().toList();

    private JdbcSettings() {
    }

    static Connection connect(Map<String, String> config) {
        try {
            return DriverManager.getConnection(config.get("connection.url"), config.get("connection.user"),
                    config.get("connection.password"));
        } catch (SQLException e) {
            throw classify("cannot connect to " + config.get("connection.url"), e);
        }
    }

    static ConnectException classify(String what, SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return new RetriableException(what + ": " + e.getMessage(), e);
        }
        return new ConnectException(what + ": " + e.getMessage(), e);
    }

    /** Quotes an identifier the standard way (both SQLite and PostgreSQL take double quotes). */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static boolean isPostgres(String url) {
        return url.startsWith("jdbc:postgresql:");
    }
}
