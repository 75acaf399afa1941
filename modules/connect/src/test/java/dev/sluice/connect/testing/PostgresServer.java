package dev.sluice.connect.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL for the JDBC connectors' tests: Debian's binaries (package {@code postgresql}, or
 * {@code PG_BIN}) start a server in a test directory on a free loopback port ({@code initdb},
 * {@code pg_ctl start}); {@link #close} stops it. As root the server runs as the {@code postgres} user
 * (PostgreSQL refuses root). Where the binaries are absent, {@link #start} skips the calling test with
 * a message. {@link #execute} and {@link #query} let a test (also one in a module that does not read
 * {@code java.sql}) change and read tables. Used by the test's thread.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "";

    private final Path bin;
    private final Path home;
    private final Path data;
    private final int port;

    private PostgresServer(Path bin, Path home, Path data, int port) {
        this.bin = bin;
        this.home = home;
        this.data = data;
        this.port = port;
    }

    /** Starts a server with its files under {@code dir}/pg; skips the test when PostgreSQL is not installed. */
    public static PostgresServer start(Path dir) throws Exception {
        Path bin = findBinaries();
        Assumptions.assumeTrue(bin != null, "PostgreSQL binaries not found (apt-get install postgresql): skipped");
        Path home = Files.createDirectories(dir.resolve("pg"));
        if (root()) {
            // the server's user must reach its directory through the test's (root-only) temporary one
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(dir, perms);
            new ProcessBuilder("chown", USER, home.toString()).start().waitFor();
        }
        Path data = home.resolve("data");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        run(home, bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", USER, "--no-sync");
        run(home, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", home.resolve("server.log").toString(),
                "-o", "-p " + port + " -h 127.0.0.1 -k " + home + " -c fsync=off", "-w", "-t", "60", "start");
        return new PostgresServer(bin, home, data, port);
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * Runs one statement with {@code params} in its own transaction (auto-commit).
     *
     * @throws IllegalStateException when it fails (unchecked: callers need not read {@code java.sql})
     */
    public void execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            st.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * The rows of a query, each as its columns' values.
     *
     * @throws IllegalStateException when it fails (e.g. the table does not exist yet)
     */
    public List<List<Object>> query(String sql) {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    /** Stops the server at once (no checkpoint: its files are thrown away). */
    @Override
    public void close() throws Exception {
        run(home, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
    }

    private static Path findBinaries() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("PG_BIN");
        if (env != null) {
            candidates.add(Path.of(env));
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
        } catch (IOException e) {
            // no Debian layout
        }
        return candidates.stream().filter(p -> Files.isExecutable(p.resolve("pg_ctl")) && Files.isExecutable(p.resolve("initdb")))
                .findFirst().orElse(null);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a PostgreSQL command (as its user when root), its output in {@code home}/pg-<command>.out. */
    private static void run(Path home, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of("runuser", "-u", USER, "--"));
        }
        cmd.addAll(List.of(command));
        Path out = home.resolve("pg-" + Path.of(command[0]).getFileName() + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(out));
        }
    }
}
