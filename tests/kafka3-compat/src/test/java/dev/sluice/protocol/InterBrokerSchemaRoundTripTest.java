package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageSchema;
import dev.sluice.protocol.message.Schemas;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ZooKeeper-era inter-broker messages (bundled from kafka-clients 3.9.1, gone from 4.x) at every
 * valid version: kafka-clients 3.9.1 serializes a randomly populated message, we parse it, write it
 * back byte for byte, and Kafka reads our bytes into an equal message. Lives here because 3.9.1 is
 * this module's kafka-clients; in the package of the protocol tests to reuse their round trip.
 * Runs on the JUnit thread only.
 */
class InterBrokerSchemaRoundTripTest {
    private static final List<String> MESSAGES = List.of("LeaderAndIsr", "UpdateMetadata", "StopReplica",
            "ControlledShutdown", "AlterPartition");
    private static final int SEEDS = 4;

    @TestFactory
    Stream<DynamicTest> everyInterBrokerMessageAtEveryVersionRoundTripsByteForByte() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String message : MESSAGES) {
            for (String kind : List.of("Request", "Response")) {
                MessageSchema schema = Schemas.get(message + kind);
                for (short v = schema.validVersions().lowest(); v <= schema.validVersions().highest(); v++) {
                    for (int seed = 0; seed < SEEDS; seed++) {
                        short version = v;
                        long s = seed * 7919L + v * 31L + schema.name().hashCode();
                        tests.add(DynamicTest.dynamicTest(schema.name() + " v" + v + " seed " + seed,
                                () -> KafkaRoundTripTest.roundTrip(schema, version, s)));
                    }
                }
            }
        }
        return tests.stream();
    }

    @Test
    void bundledVersionsAreKafka391s() {
        assertThat(Schemas.get("LeaderAndIsrRequest").validVersions().highest()).isEqualTo((short) 7);
        assertThat(Schemas.get("UpdateMetadataRequest").validVersions().highest()).isEqualTo((short) 8);
        assertThat(Schemas.get("StopReplicaRequest").validVersions().highest()).isEqualTo((short) 4);
        assertThat(Schemas.get("ControlledShutdownRequest").validVersions().highest()).isEqualTo((short) 3);
        assertThat(Schemas.get("AlterPartitionRequest").validVersions().lowest()).isEqualTo((short) 0);
    }

    @Test
    void interBrokerApisAreKeysWithKafka391sVersionsAndHeaders() {
        for (ApiKey api : List.of(ApiKey.LEADER_AND_ISR, ApiKey.STOP_REPLICA, ApiKey.UPDATE_METADATA,
                ApiKey.CONTROLLED_SHUTDOWN, ApiKey.ALTER_PARTITION)) {
            org.apache.kafka.common.protocol.ApiKeys kafka = org.apache.kafka.common.protocol.ApiKeys.forId(api.id());
            assertThat(api.isInterBroker()).isTrue();
            assertThat(api.apiName()).isEqualTo(kafka.name);
            assertThat(api.oldestVersion()).isEqualTo(kafka.oldestVersion());
            assertThat(api.latestVersion()).isEqualTo(kafka.latestVersion(true));
            // ControlledShutdown v0's header v0 is gone from Kafka 4's header schema (and not answered by Sluice)
            short headersFrom = api == ApiKey.CONTROLLED_SHUTDOWN ? 1 : api.oldestVersion();
            for (short v = headersFrom; v <= api.latestVersion(); v++) {
                assertThat(api.requestHeaderVersion(v)).as(api + " v" + v).isEqualTo(kafka.requestHeaderVersion(v));
                assertThat(api.responseHeaderVersion(v)).as(api + " v" + v).isEqualTo(kafka.responseHeaderVersion(v));
            }
            assertThat(ApiKey.clientApis()).doesNotContain(api);
        }
    }
}
