package dev.sluice.connect.jdbc;

/** The JDBC round trip on SQLite, the embedded zero-setup default (a database file in the test directory). */
class JdbcSqliteTest extends JdbcRoundTripTestBase {
    @Override
    String url() {
        return "jdbc:sqlite:" + dir.resolve("app.db");
    }

    @Override
    String[] credentials() {
        return new String[]{null, null};
    }
}
