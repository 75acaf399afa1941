package dev.sluice.client.producer.internals;

import dev.sluice.client.NetworkException;
import dev.sluice.client.network.Response;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Produce request bodies from batches, and matching the response's partitions back to them. */
final class ProduceRequests {
    private ProduceRequests() {
    }

    /** Topics are named up to v12 and identified by topic id from v13. */
    static Struct build(short version, ProducerConfig config, List<ProducerBatch> batches, Map<String, UUID> topicIds) {
        Struct body = ApiKey.PRODUCE.newRequest()
                .set("TransactionalId", config.transactionalId())
                .set("Acks", config.acks().wireValue())
                .set("TimeoutMs", config.client().requestTimeoutMs());
        Map<String, Struct> byTopic = new LinkedHashMap<>();
        for (ProducerBatch batch : batches) {
            String topic = batch.partition.topic();
            Struct topicData = byTopic.computeIfAbsent(topic, t -> {
                Struct data = body.addStruct("TopicData");
                if (version >= 13) {
                    UUID id = topicIds.get(t);
                    if (id == null || (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0)) {
                        throw new NetworkException("no topic id known for " + t + " yet");
                    }
                    data.set("TopicId", id);
                } else {
                    data.set("Name", t);
                }
                return data;
            });
            topicData.addStruct("PartitionData").set("Index", batch.partition.partition()).set("Records", batch.wire());
        }
        return body;
    }

    /** Each batch's partition result, found by topic (name or id) and partition index. */
    static Map<ProducerBatch, Struct> match(Response response, List<ProducerBatch> batches, Map<String, UUID> topicIds) {
        Map<String, Struct> results = new HashMap<>();
        for (Struct topic : response.body().getArray("Responses")) {
            String key = response.version() >= 13 ? String.valueOf(topic.getUuid("TopicId")) : topic.getString("Name");
            for (Struct partition : topic.getArray("PartitionResponses")) {
                results.put(key + "/" + partition.getInt("Index"), partition);
            }
        }
        Map<ProducerBatch, Struct> out = new HashMap<>();
        for (ProducerBatch batch : batches) {
            String topic = batch.partition.topic();
            String key = response.version() >= 13 ? String.valueOf(topicIds.get(topic)) : topic;
            Struct result = results.get(key + "/" + batch.partition.partition());
            if (result != null) {
                out.put(batch, result);
            }
        }
        return out;
    }
}
