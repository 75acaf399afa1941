package dev.sluice.client.producer.partition;

/**
 * The 32-bit MurmurHash2 variant Kafka's producer uses to map keys to partitions (seed
 * {@code 0x9747b28c}, little-endian 4-byte blocks), so records with the same key land on the
 * same partition whichever client wrote them. Written from Austin Appleby's MurmurHash2.
 */
public final class Murmur2 {
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2() {
    }

    public static int hash(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int blocks = length >>> 2;
        for (int i = 0; i < blocks; i++) {
            int at = i << 2;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = blocks << 2;
        switch (length & 3) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    /** Kafka's key → partition: {@code toPositive(murmur2(key)) % numPartitions}. */
    public static int partition(byte[] key, int numPartitions) {
        return (hash(key) & 0x7fffffff) % numPartitions;
    }
}
