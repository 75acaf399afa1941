package dev.sluice.client;

import dev.sluice.client.config.ConfigException;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.OffsetResetStrategy;
import dev.sluice.client.producer.Acks;
import dev.sluice.client.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
    @Test
    void aKafkaProducerPropertiesFileWorks() throws Exception {
        Properties props = new Properties();
        props.load(new StringReader("""
                bootstrap.servers=localhost:9092,other:9093
                key.serializer=org.apache.kafka.common.serialization.StringSerializer
                value.serializer=org.apache.kafka.common.serialization.ByteArraySerializer
                acks=1
                linger.ms=20
                batch.size=65536
                compression.type=gzip
                client.id=orders
                """));
        ProducerConfig config = ProducerConfig.from(props);
        assertThat(config.acks()).isEqualTo(Acks.LEADER);
        assertThat(config.lingerMs()).isEqualTo(20);
        assertThat(config.batchSize()).isEqualTo(65536);
        assertThat(config.compression()).isEqualTo("gzip");
        assertThat(config.client().bootstrapServers()).containsExactly("localhost:9092", "other:9093");
        assertThat(config.idempotence()).isFalse(); // acks=1 with the default quietly turns it off, as in Kafka
        assertThat(ProducerConfig.builder().bootstrapServers("h:1").build().idempotence()).isTrue();
    }

    @Test
    void everyBadOrUnknownKeyIsNamedAtOnce() {
        assertThatThrownBy(() -> ProducerConfig.from(Map.of("bootstrap.servers", "localhost:9092",
                "linger.ms", "soon", "acks", "2", "lingr.ms", "5", "compression.type", "brotli")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(4))
                .hasMessageContaining("linger.ms: 'soon' is invalid; expected an integer >= 0").hasMessageContaining("acks: '2' is invalid; expected one of 0, 1, all, -1")
                .hasMessageContaining("lingr.ms is not a producer setting").hasMessageContaining("compression.type=brotli");
        assertThatThrownBy(() -> ProducerConfig.from(Map.of("bootstrap.servers", "h:1", "enable.idempotence", "true",
                "max.in.flight.requests.per.connection", "6")))
                .hasMessageContaining("enable.idempotence=true conflicts with max.in.flight.requests.per.connection=6");
        assertThatThrownBy(() -> ConsumerConfig.from(Map.of("bootstrap.servers", "nohost")))
                .hasMessageContaining("bootstrap.servers entry 'nohost' is not host:port");
        assertThatThrownBy(() -> ConsumerConfig.from(Map.of("bootstrap.servers", "h:1", "auto.offset.reset", "oldest")))
                .hasMessageContaining("auto.offset.reset: 'oldest' is invalid; expected one of earliest, latest, none");
    }

    @Test
    void consumerDefaultsFollowKafka() {
        ConsumerConfig config = ConsumerConfig.from(Map.of("bootstrap.servers", "h:1", "group.id", "g",
                "enable.auto.commit", "false"));
        assertThat(config.autoOffsetReset()).isEqualTo(OffsetResetStrategy.LATEST);
        assertThat(config.maxPollRecords()).isEqualTo(500);
        assertThat(config.fetchMaxWaitMs()).isEqualTo(500);
        assertThat(config.groupId()).isEqualTo("g");
    }

    @Test
    void groupSettingsTakeKafkasNamesAndClassNames() {
        ConsumerConfig config = ConsumerConfig.from(Map.of("bootstrap.servers", "h:1", "group.id", "g",
                "partition.assignment.strategy", "org.apache.kafka.clients.consumer.RoundRobinAssignor, cooperative-sticky",
                "group.instance.id", "i-1", "session.timeout.ms", "10000", "heartbeat.interval.ms", "1000"));
        assertThat(config.group().assignors()).containsExactly("roundrobin", "cooperative-sticky");
        assertThat(config.group().enableAutoCommit()).isTrue();
        assertThat(config.group().groupInstanceId()).isEqualTo("i-1");
        assertThat(ConsumerConfig.from(Map.of("bootstrap.servers", "h:1")).group().enableAutoCommit()).isFalse();
        assertThat(ConsumerConfig.from(Map.of("bootstrap.servers", "h:1", "group.id", "g")).group().assignors())
                .containsExactly("range", "cooperative-sticky");
        assertThatThrownBy(() -> ConsumerConfig.from(Map.of("bootstrap.servers", "h:1", "group.id", "g",
                "partition.assignment.strategy", "org.apache.kafka.clients.consumer.StickyAssignor",
                "heartbeat.interval.ms", "50000", "group.protocol", "consumer")))
                .hasMessageContaining("StickyAssignor is not one of").hasMessageContaining("must be lower than session.timeout.ms")
                .hasMessageContaining("group.protocol=consumer");
        assertThatThrownBy(() -> ConsumerConfig.from(Map.of("bootstrap.servers", "h:1", "enable.auto.commit", "true")))
                .hasMessageContaining("enable.auto.commit=true needs a group.id");
    }

    @Test
    void everyClientSettingIsDefinedOnceDocumentedAndItsDefaultIsTheOneUsed() {
        for (var def : java.util.List.of(ProducerConfig.DEF, ConsumerConfig.DEF, dev.sluice.client.admin.AdminConfig.DEF)) {
            assertThat(def.keys()).allSatisfy(k -> assertThat(k.documentation()).as(k.name()).isNotBlank());
        }
        ProducerConfig producer = ProducerConfig.from(Map.of("bootstrap.servers", "h:1"));
        assertThat(producer.lingerMs()).isEqualTo(ProducerConfig.DEF.key("linger.ms").orElseThrow().defaultValue());
        assertThat(producer.batchSize()).isEqualTo(ProducerConfig.DEF.key("batch.size").orElseThrow().defaultValue());
        assertThat(producer.client().clientId()).isEqualTo("sluice-producer");
        assertThat(producer.client().maxInFlightPerConnection()).isEqualTo(5);
        ConsumerConfig consumer = ConsumerConfig.from(Map.of("bootstrap.servers", "h:1"));
        assertThat(consumer.maxPollRecords()).isEqualTo(ConsumerConfig.DEF.key("max.poll.records").orElseThrow().defaultValue());
        assertThat(consumer.client().clientId()).isEqualTo("sluice-consumer");
        assertThat(consumer.client().maxInFlightPerConnection()).isEqualTo(100);
        // a value of the wrong type is named with what the definition accepts
        assertThatThrownBy(() -> ConsumerConfig.from(Map.of("bootstrap.servers", "h:1", "fetch.min.bytes", "-1")))
                .hasMessageContaining("fetch.min.bytes: '-1' is invalid; expected an integer >= 0");
    }
}
