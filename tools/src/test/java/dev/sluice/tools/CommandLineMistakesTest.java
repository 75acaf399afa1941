package dev.sluice.tools;

import dev.sluice.client.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Mistakes on a command line are named, with the fix, before anything is done. */
class CommandLineMistakesTest extends BrokerTestBase {

    @Test
    void unknownOptionsSuggestTheClosest() {
        Result typo = sluice("topics", "--create", "--topic", "t", "--partitons", "3");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown option --partitons (did you mean --partitions?)");
        Result consume = sluice("consume", "--topic", "t", "--from-begining");
        assertThat(consume.err()).contains("unknown option --from-begining (did you mean --from-beginning?)");
        Result groups = sluice("groups", "--lst");
        assertThat(groups.err()).contains("(did you mean --list?)");
        Result property = sluice("consume", "--topic", "t", "--property", "print.keys=true");
        assertThat(property.err()).contains("unknown --property print.keys (did you mean print.key?)");
        Result produceProperty = sluiceWithInput("", "produce", "--topic", "t", "--property", "key.seperator=:");
        assertThat(produceProperty.err()).contains("unknown --property key.seperator (did you mean key.separator?)");
        Result nothingClose = sluice("topics", "--list", "--zzzzzzzz");
        assertThat(nothingClose.err()).contains("unknown option --zzzzzzzz").doesNotContain("did you mean");
    }

    @Test
    void aSingleValuedOptionGivenTwiceIsAnError() {
        Result twice = sluice("topics", "--create", "--topic", "a", "--topic", "b");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("--topic is given twice ('a' and 'b'): give it once");
        assertThat(admin.listTopics().join()).isEmpty(); // nothing was created

        Result bootstrapTwice = sluice("topics", "--list", "--bootstrap-server", "127.0.0.1:1");
        assertThat(bootstrapTwice.exitCode()).isEqualTo(2);
        assertThat(bootstrapTwice.err()).contains("--bootstrap-server is given twice");

        // list options stay repeatable
        assertThat(sluice("topics", "--create", "--topic", "c", "--config", "retention.ms=1000", "--config", "segment.ms=60000")
                .exitCode()).isZero();
    }

    @Test
    void aMissingCommandConfigFileIsSaidPlainly() {
        String missing = dir.resolve("client.properties").toString();
        Result r = sluice("topics", "--list", "--command-config", missing);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("sluice topics: cannot read --command-config file: " + missing + ": no such file or directory\n");
    }

    @Test
    void aNegativeOffsetIsAUsageError() {
        admin.createTopics(List.of(new NewTopic("t", 1))).join();
        Result negative = sluice("consume", "--topic", "t", "--partition", "0", "--offset", "-5");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("--offset takes earliest, latest or an offset of 0 or more, not '-5'")
                .doesNotContain("Exception");
        Result words = sluice("consume", "--topic", "t", "--partition", "0", "--offset", "first");
        assertThat(words.err()).contains("not 'first'");
    }
}
