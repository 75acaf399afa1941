package dev.sluice.tools;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.broker.config.BrokerConfigDef;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice server} settings on the command line: help from the definitions, unknown keys refused before start. */
class ServerSettingsCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Sluice.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void misspelledLogSettingsStopTheServerBeforeItStartsNamingTheIntendedKeys() {
        assertThat(run("server", "listeners=PLAINTEXT://127.0.0.1:0", "log.retention.hour=1", "log.segmnt.bytes=5"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown configuration key 'log.retention.hour' — did you mean 'log.retention.hours'?")
                .contains("unknown configuration key 'log.segmnt.bytes' — did you mean 'log.segment.bytes'?");
    }

    @Test
    void helpListsEverySettingWithItsDefaultAndThePluginsDeclaredOnes() {
        assertThat(run("server", "--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        for (ConfigKey k : BrokerConfigDef.DEF.keys()) {
            assertThat(help).contains("  " + k.name() + (k.defaultValue() == null ? "" : " [" + k.defaultString() + "]"));
        }
        assertThat(help).contains("  log.retention.hours [168]", "  log.retention.ms\n")
                .contains("(-1: forever); overrides the minutes and hours (dynamic: sluice configs --alter changes it at run time)")
                .contains("      request handler threads\n")
                .contains("Settings of installed plugins").contains("  lmdb.map.size [268435456]");
    }
}
