package dev.sluice.connect.jdbc;

import dev.sluice.connect.testing.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The JDBC round trip against a real PostgreSQL ({@link PostgresServer}: Debian's binaries started in
 * the test's directory on a free port, stopped in teardown); skipped with a message when PostgreSQL is
 * not installed.
 */
class JdbcPostgresTest extends JdbcRoundTripTestBase {
    private PostgresServer postgres;

    @BeforeEach
    void startPostgres() throws Exception {
        postgres = PostgresServer.start(dir);
    }

    @AfterEach
    void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    String url() {
        return postgres.url();
    }

    @Override
    String[] credentials() {
        return new String[]{PostgresServer.USER, PostgresServer.PASSWORD};
    }
}
