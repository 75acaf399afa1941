package dev.sluice.protocol;

import dev.sluice.protocol.message.Struct;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's use of this module end to end, as the network layer will do it: ApiVersions. */
class BrokerFlowTest {

    @Test
    void answersAKafkaClientsApiVersionsRequest() throws Exception {
        short version = 4;
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id)
                .setRequestApiVersion(version).setCorrelationId(31).setClientId("producer-1");
        ByteBuffer frame = RequestUtils.serialize(header, ApiKeys.API_VERSIONS.requestHeaderVersion(version),
                new ApiVersionsRequestData().setClientSoftwareName("apache-kafka-java")
                        .setClientSoftwareVersion("4.1.1"), version);

        // --- broker side
        Request request = RequestParser.parse(frame);
        assertThat(request.api()).isEqualTo(ApiKey.API_VERSIONS);
        assertThat(request.body().getString("clientSoftwareName")).isEqualTo("apache-kafka-java");
        Struct response = request.newResponse().set("errorCode", Errors.NONE.code());
        for (ApiKey api : ApiKey.clientApis()) {
            response.addStruct("apiKeys").set("apiKey", api.id())
                    .set("minVersion", api.oldestVersion()).set("maxVersion", api.latestStableVersion());
        }
        Send send = ResponseWriter.write(request.header(), response);

        // --- client side
        ByteBuffer wire = FramingTest.withoutSizePrefix(SendBytes.of(send));
        ApiVersionsResponseData data = (ApiVersionsResponseData) AbstractResponse.parseResponse(wire,
                new org.apache.kafka.common.requests.RequestHeader(header,
                        ApiKeys.API_VERSIONS.requestHeaderVersion(version))).data();
        assertThat(data.errorCode()).isZero();
        assertThat(data.apiKeys()).hasSize(ApiKey.clientApis().size());
        ApiVersionsResponseData.ApiVersion fetch = data.apiKeys().find(ApiKeys.FETCH.id);
        assertThat(fetch.minVersion()).isEqualTo((short) 4);
        assertThat(fetch.maxVersion()).isEqualTo(ApiKeys.FETCH.latestVersion(false));
    }
}
