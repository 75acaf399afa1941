package dev.sluice.connect.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDBC round trip against a real PostgreSQL: Debian's binaries (package {@code postgresql}) start
 * a server in a temporary directory on a free loopback port ({@code initdb}, {@code pg_ctl start}),
 * stopped in teardown. As root the server runs as the {@code postgres} user (PostgreSQL refuses root).
 * Skipped with a message when the binaries are absent.
 */
class JdbcPostgresTest extends JdbcRoundTripTestBase {
    private Path bin;
    private Path data;
    private int port;

    private static Path findBinaries() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("PG_BIN");
        if (env != null) {
            candidates.add(Path.of(env));
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.sorted(java.util.Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
        } catch (IOException e) {
            // no Debian layout
        }
        return candidates.stream().filter(p -> Files.isExecutable(p.resolve("pg_ctl")) && Files.isExecutable(p.resolve("initdb")))
                .findFirst().orElse(null);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (root()) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pg-" + Path.of(command[0]).getFileName() + ".out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                    + Files.readString(dir.resolve("pg-" + Path.of(command[0]).getFileName() + ".out")));
        }
    }

    @BeforeEach
    void startPostgres() throws Exception {
        bin = findBinaries();
        Assumptions.assumeTrue(bin != null, "PostgreSQL binaries not found (apt-get install postgresql): skipped");
        Path home = Files.createDirectories(dir.resolve("pg"));
        if (root()) {
            // the server's user must reach its directory through the test's (root-only) temporary one
            var perms = Files.getPosixFilePermissions(dir);
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(dir, perms);
            new ProcessBuilder("chown", "postgres", home.toString()).start().waitFor();
        }
        Path dataDir = home.resolve("data");
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        run(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-A", "trust", "-U", "postgres", "--no-sync");
        run(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", home.resolve("server.log").toString(),
                "-o", "-p " + port + " -h 127.0.0.1 -k " + home + " -c fsync=off", "-w", "-t", "60", "start");
        data = dataDir; // started: stopped in teardown
    }

    @AfterEach
    void stopPostgres() throws Exception {
        if (data != null) {
            run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
        }
    }

    @Override
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    String[] credentials() {
        return new String[]{"postgres", ""};
    }
}
