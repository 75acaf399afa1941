package dev.sluice.streams;

import dev.sluice.client.admin.NewTopic;
import dev.sluice.streams.serde.Serdes;
import dev.sluice.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a running application's stores: the local share, and which instance holds a key. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InteractiveQueriesTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void eachKeyIsFoundOnTheInstanceItsMetadataNames() throws Exception {
        broker.createTopics(new NewTopic("iq-lines", 4), new NewTopic("iq-counts", 1));
        Map<String, Long> expected = new TreeMap<>();
        Fixtures.produce(broker, "iq-lines", Fixtures.lines(new Random(4), 200, expected));
        Properties pa = Fixtures.props(broker, dir, "iq", "at_least_once");
        pa.put("application.server", "host-a:7001");
        Properties pb = Fixtures.props(broker, dir, "iq", "at_least_once");
        pb.put("application.server", "host-b:7002");
        try (SluiceStreams a = new SluiceStreams(WordCount.topology("iq-lines", "iq-counts"), pa);
             SluiceStreams b = new SluiceStreams(WordCount.topology("iq-lines", "iq-counts"), pb);
             TopicReader reader = new TopicReader(broker.bootstrap(), "iq-counts")) {
            assertThatThrownBy(() -> a.queryMetadataForKey("counts", "x", Serdes.string())).isInstanceOf(IllegalStateException.class);
            a.start();
            b.start();
            Fixtures.await("both run tasks", () -> !a.activeTasks().isEmpty() && !b.activeTasks().isEmpty()
                    && a.activeTasks().size() + b.activeTasks().size() == 8);
            reader.readUntil(r -> Fixtures.lastPerKey(r).equals(expected), 60);
            Map<HostInfo, SluiceStreams> byHost = Map.of(HostInfo.parse("host-a:7001"), a, HostInfo.parse("host-b:7002"), b);
            Map<HostInfo, Integer> hits = new HashMap<>();
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                KeyQueryMetadata md = a.queryMetadataForKey("counts", e.getKey(), Serdes.string());
                assertThat(b.queryMetadataForKey("counts", e.getKey(), Serdes.string())).isEqualTo(md);
                SluiceStreams holder = byHost.get(md.activeHost());
                assertThat(holder).as("the host of %s", e.getKey()).isNotNull();
                ReadOnlyKeyValueStore<String, Long> there = holder.keyValueStore("counts");
                assertThat(there.get(e.getKey())).isEqualTo(e.getValue());
                SluiceStreams other = holder == a ? b : a;
                assertThat(other.<String, Long>keyValueStore("counts").get(e.getKey())).isNull();
                hits.merge(md.activeHost(), 1, Integer::sum);
            }
            Map<String, Long> union = new TreeMap<>();
            a.<String, Long>keyValueStore("counts").all().forEach(kv -> union.put(kv.key(), kv.value()));
            b.<String, Long>keyValueStore("counts").all().forEach(kv -> union.put(kv.key(), kv.value()));
            assertThat(union).isEqualTo(expected);
            assertThatThrownBy(() -> a.keyValueStore("nope")).hasMessageContaining("counts");
        }
    }
}
