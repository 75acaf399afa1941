package dev.sluice.client.consumer;

import dev.sluice.api.storage.TopicPartition;

import java.util.Map;

/** Told how a {@link SluiceConsumer#commitAsync} ended; runs on the application thread in a later poll or commit. */
@FunctionalInterface
public interface OffsetCommitCallback {
    /** {@code error} is null when every offset was committed. */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception error);
}
