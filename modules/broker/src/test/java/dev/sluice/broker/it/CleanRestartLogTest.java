package dev.sluice.broker.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * #18: after a clean shutdown the broker warned "index missing or corrupt, rebuilding it" for every
 * empty partition: closing trimmed an empty index to one zero entry, which the next start-up took
 * for a corrupt index. A clean restart must load every log as it was, without a warning.
 */
class CleanRestartLogTest {
    private final Logger loaderLog = Logger.getLogger("dev.sluice.storage.file.log.LogLoader");
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TempDir
    Path dir;

    @BeforeEach
    void listen() {
        loaderLog.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        loaderLog.removeHandler(capture);
    }

    @Test
    void aCleanRestartWithEmptyPartitionsLogsNoIndexWarning() throws Exception {
        TestBroker broker = TestBroker.start(dir, Map.of());
        try {
            broker.broker().partitions().createTopic("empty", 3, (short) 1, Map.of(), false);
            broker = broker.restart(); // clean shutdown, then start-up on the same data
            broker = broker.restart(); // and once more: the first restart trims and rewrites nothing wrong
            assertThat(broker.broker().partitions().partition("empty", 2)).isPresent();
        } finally {
            broker.close();
        }
        assertThat(warnings).isEmpty();
    }
}
