package dev.sluice.tools;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code --command-config} shared with other tools: their keys are warned about, as Kafka's clients do; typos are errors. */
class CommandConfigKeysTest extends BrokerTestBase {

    @Test
    void keysMeantForOtherToolsAreWarnedAboutAndTheCommandRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"),
                "schema.registry.url=http://localhost:8081\nbasic.auth.credentials.source=USER_INFO\n");
        List<String> warnings = new ArrayList<>();
        Logger logger = Logger.getLogger("dev.sluice.client.config.ConfigReader");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            assertThat(sluice("topics", "--create", "--topic", "t", "--partitions", "1").exitCode()).isZero();
            Result produce = sluiceWithInput("a\nb\n", "produce", "--topic", "t", "--command-config", file.toString());
            assertThat(produce.exitCode()).as(produce.err()).isZero();
            Result list = sluice("topics", "--list", "--command-config", file.toString());
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains("t");
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("schema.registry.url", "basic.auth.credentials.source"));
    }

    @Test
    void aMisspelledClientKeyIsStillAnErrorNamingTheSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("producer.properties"), "lingr.ms=5\n");
        assertThat(sluice("topics", "--create", "--topic", "t", "--partitions", "1").exitCode()).isZero();
        Result produce = sluiceWithInput("a\n", "produce", "--topic", "t", "--command-config", file.toString());
        assertThat(produce.exitCode()).isNotZero();
        assertThat(produce.err()).contains("lingr.ms is not a producer setting — did you mean 'linger.ms'?");
    }
}
