package dev.sluice.examples.streams;

import dev.sluice.streams.kstream.WindowedSerdes;
import dev.sluice.streams.serde.Serdes;
import dev.sluice.streams.test.TestInputTopic;
import dev.sluice.streams.test.TopologyTestDriver;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples' topologies on the test driver. */
class ExamplesTest {
    private static Properties props() {
        Properties p = new Properties();
        p.put("application.id", "examples");
        return p;
    }

    @Test
    void wordCountCountsWordsIgnoringCaseAndPunctuation() {
        try (TopologyTestDriver driver = new TopologyTestDriver(WordCountExample.topology(), props())) {
            driver.createInputTopic("wc-lines", Serdes.string(), Serdes.string()).pipeInput("The dog, the DOG!");
            assertThat(driver.createOutputTopic("wc-counts", Serdes.string(), Serdes.longs()).readKeyValuesToMap())
                    .isEqualTo(Map.of("the", 2L, "dog", 2L));
        }
    }

    @Test
    void windowedClicksEmitEachClosedWindowsFinalCountOnce() {
        try (TopologyTestDriver driver = new TopologyTestDriver(WindowedClicksExample.topology(), props())) {
            TestInputTopic<String, String> clicks = driver.createInputTopic("clicks", Serdes.string(), Serdes.string());
            clicks.pipeInput("ann", "/a", 1_000);
            clicks.pipeInput("ann", "/b", 9_000);
            clicks.pipeInput("bob", "/c", 11_000);
            clicks.pipeInput("bob", "/d", 30_000);
            var out = driver.createOutputTopic("clicks-per-window", WindowedSerdes.timeWindowed(Serdes.string(), 10_000),
                    Serdes.longs()).readKeyValuesToList();
            assertThat(out).extracting(kv -> kv.key().key() + "@" + kv.key().window().start() + "=" + kv.value())
                    .containsExactly("ann@0=2", "bob@10000=1");
        }
    }

    @Test
    void viewsAreEnrichedWithTheProfilesCountryOrUnknown() {
        try (TopologyTestDriver driver = new TopologyTestDriver(EnrichmentExample.topology(), props())) {
            driver.createInputTopic("profiles", Serdes.string(), Serdes.json(EnrichmentExample.Profile.class))
                    .pipeInput("ann", new EnrichmentExample.Profile("Ann", "NL"));
            TestInputTopic<String, String> views = driver.createInputTopic("views", Serdes.string(), Serdes.string());
            views.pipeInput("ann", "/x");
            views.pipeInput("zed", "/y");
            assertThat(driver.createOutputTopic("enriched-views", Serdes.string(), Serdes.json(EnrichmentExample.EnrichedView.class))
                    .readValuesToList()).containsExactly(new EnrichmentExample.EnrichedView("ann", "/x", "NL"),
                    new EnrichmentExample.EnrichedView("zed", "/y", "unknown"));
        }
    }
}
