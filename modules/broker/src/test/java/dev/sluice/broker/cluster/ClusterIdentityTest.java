package dev.sluice.broker.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** meta.properties in every directory of log.dirs: written to each, checked against each, recovered from any. */
class ClusterIdentityTest {
    @TempDir
    Path dir;

    private static String read(Path logDir) throws IOException {
        return Files.readString(logDir.resolve("meta.properties"));
    }

    @Test
    void everyLogDirectoryGetsTheBrokersIdentity() throws IOException {
        List<Path> dirs = List.of(dir.resolve("a"), dir.resolve("b"), dir.resolve("c"));
        ClusterIdentity identity = ClusterIdentity.loadOrCreate(dirs, 3, null);
        for (Path d : dirs) {
            assertThat(read(d)).contains("cluster.id=" + identity.clusterId()).contains("node.id=3");
            assertThat(d.resolve("meta.properties.tmp")).doesNotExist();
        }
        assertThat(ClusterIdentity.loadOrCreate(dirs, 3, null)).isEqualTo(identity);
    }

    @Test
    void aDirectoryThatLostItsStateGetsItBackFromTheOthers() throws IOException {
        List<Path> dirs = List.of(dir.resolve("a"), dir.resolve("b"));
        ClusterIdentity identity = ClusterIdentity.loadOrCreate(dirs, 1, null);
        Files.delete(dirs.get(0).resolve("meta.properties")); // the first disk replaced
        assertThat(ClusterIdentity.loadOrCreate(dirs, 1, null)).isEqualTo(identity);
        assertThat(read(dirs.get(0))).contains("cluster.id=" + identity.clusterId());
    }

    @Test
    void aDirectoryOfAnotherClusterOrNodeIsRefusedByName() {
        Path mine = dir.resolve("mine");
        Path foreign = dir.resolve("foreign");
        ClusterIdentity.loadOrCreate(List.of(mine), 1, "cluster-a");
        ClusterIdentity.loadOrCreate(List.of(foreign), 1, "cluster-b");
        assertThatThrownBy(() -> ClusterIdentity.loadOrCreate(List.of(mine, foreign), 1, null))
                .hasMessageContaining("log dir " + foreign + " belongs to cluster cluster-b but " + mine + " to cluster cluster-a");
        assertThatThrownBy(() -> ClusterIdentity.loadOrCreate(List.of(mine), 2, null))
                .hasMessageContaining("belongs to node.id=1 but this broker has node.id=2");
    }
}
