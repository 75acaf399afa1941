package dev.sluice.storage.file;

import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.storage.testkit.CrashContract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's kill -9 test on the file backend, with small segments so the child rolls often: the
 * page cache survives a process kill, so recovery must keep every acknowledged append.
 */
class CrashRecoveryTest extends CrashContract {
    @Override
    protected String providerName() {
        return "file";
    }

    @Override
    protected void checkAfterCrash(LogStorageEngine engine) {
        assertThat(((FileLogStorageEngine) engine).wasCleanShutdown()).isFalse();
    }

    @Override
    protected void markCrashed(Path logDir) throws IOException {
        // the verifying reopen closed cleanly; the next child must recover as after a crash
        Files.deleteIfExists(logDir.resolve(FileLogStorageEngine.CLEAN_SHUTDOWN_FILE));
    }
}
