package dev.sluice.broker.producer;

/**
 * A range of producer ids reserved durably for one broker: {@code firstId} to
 * {@code firstId + size - 1}. Kafka's ProducerIdsBlock.
 */
public record ProducerIdBlock(long firstId, int size) {
    public ProducerIdBlock {
        if (firstId < 0 || size <= 0 || firstId > Long.MAX_VALUE - size) {
            throw new IllegalArgumentException("invalid producer id block " + firstId + "+" + size);
        }
    }

    /** The id after the block's last one. */
    public long nextBlockFirstId() {
        return firstId + size;
    }
}
