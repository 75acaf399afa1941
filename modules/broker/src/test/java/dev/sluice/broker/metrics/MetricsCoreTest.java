package dev.sluice.broker.metrics;

import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.it.PrometheusTextParser;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The metrics core on a manual clock: meters' rates, histograms' buckets and percentiles, names, the text format. */
class MetricsCoreTest {
    private final ManualClock clock = new ManualClock();
    private final MetricRegistry registry = new MetricRegistry(clock, false);

    @Test
    void aMeterCountsAndItsOneMinuteRateFollowsTheTicksAsKafkasDoes() {
        Meter m = registry.meter(MetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec"), "h", "messages");
        m.mark(500);
        m.mark();
        assertThat(m.count()).isEqualTo(501);
        assertThat(m.oneMinuteRate()).isZero(); // no tick yet
        registry.tick();
        assertThat(m.oneMinuteRate()).isCloseTo(501 / 5.0, within(1e-9)); // the first interval starts the average
        for (int i = 0; i < 12; i++) { // a quiet minute: the one-minute rate decays by e^-1, the 15-minute far less
            registry.tick();
        }
        assertThat(m.oneMinuteRate()).isCloseTo(501 / 5.0 * Math.exp(-1), within(1e-6));
        assertThat(m.fifteenMinuteRate()).isCloseTo(501 / 5.0 * Math.exp(-1 / 15.0), within(1e-6));
        clock.advance(TimeUnit.SECONDS.toMillis(10));
        assertThat(m.meanRate(clock.nanoseconds())).isCloseTo(50.1, within(1e-6));
    }

    @Test
    void aHistogramCountsInFixedBucketsAndEstimatesPercentilesOfTheLastMinute() {
        LatencyHistogram h = registry.histogram(MetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs", "request", "Produce"), "h");
        assertThat(LatencyHistogram.bucketOf(0)).isZero();
        assertThat(LatencyHistogram.bucketOf(500_000)).isZero(); // le 0.0005 s
        assertThat(LatencyHistogram.bucketOf(500_001)).isEqualTo(1);
        assertThat(LatencyHistogram.bucketOf(TimeUnit.MINUTES.toNanos(2))).isEqualTo(LatencyHistogram.BUCKETS); // +Inf
        for (int i = 0; i < 90; i++) {
            h.record(TimeUnit.MICROSECONDS.toNanos(800)); // (0.5, 1] ms
        }
        for (int i = 0; i < 10; i++) {
            h.record(TimeUnit.MILLISECONDS.toNanos(40)); // (25, 50] ms
        }
        h.record(-5); // a clock read out of order counts as 0
        assertThat(h.count()).isEqualTo(101);
        assertThat(h.bucketCounts()[0]).isEqualTo(1);
        assertThat(h.bucketCounts()[1]).isEqualTo(90);
        assertThat(h.bucketCounts()[6]).isEqualTo(10);
        assertThat(h.maxMs()).isEqualTo(40.0);
        assertThat(h.minMs()).isZero();
        assertThat(h.sumSeconds()).isCloseTo(90 * 0.0008 + 10 * 0.04, within(1e-9));
        registry.tick();
        assertThat(h.percentileMs(0.5)).isBetween(0.5, 1.0);
        assertThat(h.percentileMs(0.99)).isBetween(25.0, 50.0);
        for (int i = 0; i < 12; i++) { // a minute without requests: the window is empty again
            registry.tick();
        }
        assertThat(h.percentileMs(0.99)).isZero();
        assertThat(h.count()).as("the Prometheus counts stay cumulative").isEqualTo(101);
    }

    @Test
    void kafkaNamesGiveJmxObjectNamesAndPrometheusFamiliesByOneRule() {
        MetricName topic = MetricName.of("kafka.server", "BrokerTopicMetrics", "BytesInPerSec", "topic", "a,b");
        assertThat(topic.jmxName()).isEqualTo("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=\"a,b\"");
        assertThat(topic.family(new Meter(0))).isEqualTo("kafka_server_brokertopicmetrics_bytesin_total");
        assertThat(MetricName.of("kafka.network", "RequestMetrics", "LocalTimeMs").family(new LatencyHistogram()))
                .isEqualTo("kafka_network_requestmetrics_localtime_seconds");
        assertThat(MetricName.of("kafka.controller", "KafkaController", "ActiveControllerCount").family(new Gauge(() -> 1)))
                .isEqualTo("kafka_controller_kafkacontroller_activecontrollercount");
    }

    @Test
    void everyErrorCodeOfAResponseIsCountedAtAnyDepth() {
        RequestMetrics requests = new RequestMetrics(registry);
        Struct response = ApiKey.PRODUCE.newResponse();
        Struct topic = response.addStruct("Responses").set("Name", "t");
        topic.addStruct("PartitionResponses").set("Index", 0).set("ErrorCode", Errors.NONE.code());
        topic.addStruct("PartitionResponses").set("Index", 1).set("ErrorCode", Errors.NOT_LEADER_OR_FOLLOWER.code());
        topic.addStruct("PartitionResponses").set("Index", 2).set("ErrorCode", Errors.NOT_LEADER_OR_FOLLOWER.code());
        requests.countErrors(ApiKey.PRODUCE.id(), response);
        assertThat(errors("Produce", "NONE")).isEqualTo(1);
        assertThat(errors("Produce", "NOT_LEADER_OR_FOLLOWER")).isEqualTo(2);
    }

    private long errors(String request, String error) {
        return ((Meter) registry.get(MetricName.of("kafka.network", "RequestMetrics", "ErrorsPerSec", "request", request,
                "error", error))).count();
    }

    @Test
    void theTextFormatEscapesLabelValuesAndParsesStrictly() {
        registry.meter(MetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "we\"ird\\name\n"), "in", "messages").mark(3);
        registry.meter(MetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec"), "in", "messages").mark(3);
        registry.histogram(MetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs", "request", "Produce"), "t")
                .record(TimeUnit.MILLISECONDS.toNanos(3));
        registry.gauge(MetricName.of("kafka.server", "ReplicaManager", "PartitionCount"), "p", () -> 7);
        registry.addCollector(out -> out.family("sluice_x", "gauge", "a \\ help\nline").sample("sluice_x", java.util.List.of(), java.util.List.of(), 0.25));
        PrometheusTextParser.Exposition parsed = PrometheusTextParser.parse(registry.scrape());
        assertThat(parsed.value("kafka_server_brokertopicmetrics_messagesin_total", Map.of("topic", "we\"ird\\name\n"))).isEqualTo(3.0);
        assertThat(parsed.value("kafka_server_brokertopicmetrics_messagesin_total")).isEqualTo(3.0);
        assertThat(parsed.value("kafka_network_requestmetrics_totaltime_seconds_bucket", Map.of("request", "Produce", "le", "0.0025")))
                .isZero();
        assertThat(parsed.value("kafka_network_requestmetrics_totaltime_seconds_bucket", Map.of("request", "Produce", "le", "0.005")))
                .isEqualTo(1.0);
        assertThat(parsed.value("kafka_network_requestmetrics_totaltime_seconds_sum", Map.of("request", "Produce"))).isEqualTo(0.003);
        assertThat(parsed.value("kafka_server_replicamanager_partitioncount")).isEqualTo(7.0);
        assertThat(parsed.value("sluice_x")).isEqualTo(0.25);
    }
}
