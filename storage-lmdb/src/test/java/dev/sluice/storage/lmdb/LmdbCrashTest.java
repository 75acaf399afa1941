package dev.sluice.storage.lmdb;

import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.storage.testkit.CrashContract;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's kill -9 test on LMDB. The map starts at 1 MiB, so the child also grows it while it
 * runs (and may be killed doing so). A killed process loses nothing LMDB committed, even with
 * MDB_NOSYNC (the commit is in the page cache), and there is no recovery step.
 */
class LmdbCrashTest extends CrashContract {
    @Override
    protected String providerName() {
        return "lmdb";
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of(LmdbSettings.MAP_SIZE, Integer.toString(1024 * 1024), LmdbSettings.MAX_READERS, "16");
    }

    @Override
    protected List<String> childJvmFlags() {
        return List.of("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    }

    @Override
    protected int maxPaddingBytes() {
        return 3000;
    }

    @Override
    protected int segmentBytes() {
        return 1024 * 1024; // LMDB has no segments: only the largest append
    }

    @Override
    protected void checkAfterCrash(LogStorageEngine engine) {
        assertThat(((LmdbLogStorageEngine) engine).environment().mapSize()).isGreaterThan(1024 * 1024);
    }
}
