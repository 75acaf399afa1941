package dev.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice connect}: usage and configuration errors (the worker itself is tested in modules/connect). */
class ConnectCommandTest {
    @TempDir
    Path dir;

    private static BrokerTestBase.Result connect(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "connect";
        System.arraycopy(args, 0, all, 1, args.length);
        return BrokerTestBase.run(new ByteArrayInputStream(new byte[0]), all);
    }

    @Test
    void modesOtherThanStandaloneAndMissingFilesAreUsageErrors() {
        assertThat(connect().exitCode()).isEqualTo(2);
        BrokerTestBase.Result distributed = connect("distributed", "w.properties", "c.properties");
        assertThat(distributed.exitCode()).isEqualTo(2);
        assertThat(distributed.err()).contains("connectors are created over REST");
        assertThat(connect("mirror").err()).contains("unknown mode 'mirror'");
        assertThat(connect("standalone").err()).contains("the worker's properties file is required");
        assertThat(connect("--help").out()).contains("usage: sluice connect standalone");
    }

    @Test
    void anInvalidConnectorFileIsRefusedListingItsProblemsBeforeAnythingRuns() throws Exception {
        Path worker = dir.resolve("worker.properties");
        Files.writeString(worker, "bootstrap.servers=127.0.0.1:1\noffset.storage.file.filename=" + dir.resolve("o")
                + "\nlisteners=http://127.0.0.1:0\n");
        Path sink = dir.resolve("sink.properties");
        Files.writeString(sink, "name=s\nconnector.class=FileStreamSink\ntasks.max=0\n");
        BrokerTestBase.Result r = connect("standalone", worker.toString(), sink.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("contains the following 3 error(s)").contains("tasks.max: '0' is invalid")
                .contains("file: a value is required");
        Path noOffsets = dir.resolve("no-offsets.properties");
        Files.writeString(noOffsets, "bootstrap.servers=127.0.0.1:1\n");
        assertThat(connect("standalone", noOffsets.toString()).err()).contains("offset.storage.file.filename");
        assertThat(connect("distributed", noOffsets.toString()).err()).contains("group.id: a value is required");
    }
}
