package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataSnapshot;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Map;
import java.util.regex.Pattern;

/** ApiVersions, DescribeCluster and InitProducerId: node-level answers. */
final class ClusterHandlers {
    private final BrokerState broker;
    private final Map<ApiKey, short[]> supported;

    /** @param supported per API, the {min, max} version this broker answers */
    ClusterHandlers(BrokerState broker, Map<ApiKey, short[]> supported) {
        this.broker = broker;
        this.supported = supported;
    }

    /**
     * From v3 (KIP-511) the client names its software; like Kafka ({@code ApiVersionsRequest.isValid})
     * a name or version that is empty or not of {@link #SOFTWARE_NAME_OR_VERSION} is INVALID_REQUEST,
     * answered with no API list.
     */
    void apiVersions(RequestContext ctx) {
        Struct response = ctx.newResponse();
        if (ctx.version() >= 3 && !(validSoftwareField(ctx.body().getString("ClientSoftwareName"))
                && validSoftwareField(ctx.body().getString("ClientSoftwareVersion")))) {
            response.set("ErrorCode", Errors.INVALID_REQUEST.code());
        } else {
            fillApiVersions(response, Errors.NONE);
            if (ctx.version() >= 3) {
                fillFeatures(response);
            }
        }
        ctx.respond(response);
    }

    /** Letters, digits, '-' and '.', starting and ending with a letter or digit (Kafka's rule). */
    static final Pattern SOFTWARE_NAME_OR_VERSION = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");

    private static boolean validSoftwareField(String value) {
        return value != null && SOFTWARE_NAME_OR_VERSION.matcher(value).matches();
    }

    /**
     * Also used for the v0 answer to an ApiVersions request of a version we do not know.
     *
     * <p>Produce is listed from version 0 although only v3+ is answered, as Kafka 4 does
     * (KAFKA-18659): librdkafka (kcat, confluent-kafka-*) compresses with gzip, snappy or lz4
     * only if the broker lists Produce v0, and otherwise silently sends uncompressed batches.
     */
    void fillApiVersions(Struct response, Errors error) {
        response.set("ErrorCode", error.code());
        supported.forEach((api, range) -> response.addStruct("ApiKeys").set("ApiKey", api.id())
                .set("MinVersion", api == ApiKey.PRODUCE ? (short) 0 : range[0]).set("MaxVersion", range[1]));
    }

    /** The feature levels of {@link BrokerFeatures}, each supported and finalized at exactly its level (v3+). */
    private static void fillFeatures(Struct response) {
        for (BrokerFeatures.Feature feature : BrokerFeatures.ALL) {
            response.addStruct("SupportedFeatures").set("Name", feature.name())
                    .set("MinVersion", feature.level()).set("MaxVersion", feature.level());
            response.addStruct("FinalizedFeatures").set("Name", feature.name())
                    .set("MinVersionLevel", feature.level()).set("MaxVersionLevel", feature.level());
        }
        response.set("FinalizedFeaturesEpoch", BrokerFeatures.EPOCH);
    }

    void describeCluster(RequestContext ctx) {
        Struct request = ctx.body();
        Struct response = ctx.newResponse();
        byte endpointType = ctx.version() >= 1 ? request.getByte("EndpointType") : 1;
        response.set("EndpointType", endpointType);
        if (endpointType != 1) {
            response.set("ErrorCode", Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .set("ErrorMessage", "only broker endpoints (type 1) are served");
            ctx.respond(response);
            return;
        }
        MetadataSnapshot snapshot = broker.metadata().snapshot();
        response.set("ErrorCode", Errors.NONE.code()).set("ClusterId", broker.clusterId())
                .set("ControllerId", snapshot.controllerId());
        if (request.getBool("IncludeClusterAuthorizedOperations")) { // KIP-430
            response.set("ClusterAuthorizedOperations", broker.authorization().clusterAuthorizedOperations(ctx));
        }
        for (BrokerNode node : snapshot.liveBrokers()) {
            BrokerNode live = node.on(ctx.listenerName());
            response.addStruct("Brokers").set("BrokerId", live.id()).set("Host", live.host()).set("Port", live.port())
                    .set("Rack", live.rack());
        }
        ctx.respond(response);
    }

    /**
     * InitProducerId for idempotent producers: a fresh id, or (KIP-360) the same id with the next
     * epoch when the producer presents its current one. Transactions are not supported yet.
     */
    void initProducerId(RequestContext ctx) {
        Struct request = ctx.body();
        Struct response = ctx.newResponse();
        if (request.getString("TransactionalId") != null) {
            response.set("ErrorCode", Errors.UNSUPPORTED_VERSION.code()).set("ProducerId", -1L).set("ProducerEpoch", (short) -1);
            ctx.respond(response);
            return;
        }
        // as Kafka (KIP-679): an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic
        if (!broker.authorization().shows(ctx, AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME)
                && !broker.authorization().allowsOnAny(ctx, AclOperation.WRITE, ResourceType.TOPIC)) {
            ctx.respond(response.set("ErrorCode", Errors.CLUSTER_AUTHORIZATION_FAILED.code()).set("ProducerId", -1L)
                    .set("ProducerEpoch", (short) -1));
            return;
        }
        long producerId = ctx.version() >= 3 ? request.getLong("ProducerId") : -1L;
        short epoch = ctx.version() >= 3 ? request.getShort("ProducerEpoch") : -1;
        if (producerId >= 0 && epoch >= 0 && epoch < Short.MAX_VALUE - 1) {
            response.set("ErrorCode", Errors.NONE.code()).set("ProducerId", producerId).set("ProducerEpoch", (short) (epoch + 1));
        } else {
            response.set("ErrorCode", Errors.NONE.code()).set("ProducerId", broker.producerIds().nextId())
                    .set("ProducerEpoch", (short) 0);
        }
        ctx.respond(response);
    }
}
