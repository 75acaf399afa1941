package dev.sluice.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SluiceCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Sluice.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("server");
    }

    @Test
    void unknownCommandNamesTheKnownOnes() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'").contains("server");
    }

    @Test
    void versionIsTheBuildsVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).matches("sluice \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
        out.reset();
        assertThat(run("topics", "--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("sluice ").doesNotContain("$");
    }

    @Test
    void unknownCommandSuggestsTheClosest() {
        assertThat(run("topic")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'topic' (did you mean topics?)");
        err.reset();
        assertThat(run("comsume")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("(did you mean consume?)");
        err.reset();
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("did you mean");
    }

    @Test
    void aMissingPropertiesFileIsSaidPlainly(@TempDir Path dir) {
        Path missing = dir.resolve("server.properties");
        assertThat(run("server", missing.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read properties file " + missing + ": no such file")
                .doesNotContain("Exception");
    }

    @Test
    void anUnusableDataDirectoryIsSaidWithItsCause(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x"); // a file where the data directory's parent should be
        assertThat(run("server", "listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + file.resolve("data"))).isEqualTo(1);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("sluice server: cannot start: ").contains(file.toString())
                .containsAnyOf("not a directory", "already exists").doesNotContain("Exception");
    }

    @Test
    void serverHelpShowsSettings() {
        assertThat(run("server", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("listeners").contains("log.dirs");
    }

    @Test
    void invalidServerSettingsAreAllReportedWithoutStarting() {
        assertThat(run("server", "no.such.setting=1", "num.partitions=zero")).isEqualTo(2);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("no.such.setting").contains("num.partitions");
    }
}
