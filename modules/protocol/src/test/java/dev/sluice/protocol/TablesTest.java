package dev.sluice.protocol;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Our error-code and API tables agree with kafka-clients 4.1.1. */
class TablesTest {

    @Test
    void everyKafkaErrorHasTheSameCodeNameAndRetriability() {
        for (org.apache.kafka.common.protocol.Errors kafka : org.apache.kafka.common.protocol.Errors.values()) {
            Errors ours = Errors.valueOf(kafka.name());
            assertThat(ours.code()).as(kafka.name()).isEqualTo(kafka.code());
            assertThat(ours.retriable()).as(kafka.name()).isEqualTo(kafka.exception() instanceof RetriableException);
            assertThat(Errors.forCode(kafka.code())).isEqualTo(ours);
        }
        assertThat(Errors.values()).hasSize(org.apache.kafka.common.protocol.Errors.values().length);
        assertThat(Errors.forCode((short) 31_000)).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(Errors.NOT_LEADER_OR_FOLLOWER.code()).isEqualTo((short) 6);
        assertThat(Errors.UNKNOWN_TOPIC_ID.code()).isEqualTo((short) 100);
    }

    @Test
    void apiVersionRangesAndHeaderVersionsMatchKafka() {
        for (ApiKey api : ApiKey.clientApis()) {
            ApiKeys kafka = ApiKeys.forId(api.id());
            assertThat(api.apiName()).isEqualTo(kafka.name);
            assertThat(api.oldestVersion()).as(api.name()).isEqualTo(kafka.oldestVersion());
            assertThat(api.latestVersion()).as(api.name()).isEqualTo(kafka.latestVersion(true));
            assertThat(api.latestStableVersion()).as(api.name()).isEqualTo(kafka.latestVersion(false));
            assertThat(api.responseSchema().validVersions()).isEqualTo(api.requestSchema().validVersions());
            for (short v = api.oldestVersion(); v <= api.latestVersion(); v++) {
                assertThat(api.requestHeaderVersion(v)).as(api + " v" + v).isEqualTo(kafka.requestHeaderVersion(v));
                assertThat(api.responseHeaderVersion(v)).as(api + " v" + v).isEqualTo(kafka.responseHeaderVersion(v));
            }
            assertThat(ApiKey.forId(api.id())).isSameAs(api);
        }
        assertThat(ApiKey.forId(4)).isSameAs(ApiKey.LEADER_AND_ISR); // inter-broker: checked against 3.9.1 in kafka3-compat
        assertThat(ApiKey.clientApis()).noneMatch(ApiKey::isInterBroker)
                .hasSize(ApiKey.values().length - 5);
        assertThat(ApiKey.forId(2)).isSameAs(ApiKey.LIST_OFFSETS);
        assertThat(ApiKey.forId(-1)).isNull();
        assertThat(ApiKey.forId(1000)).isNull();
    }
}
