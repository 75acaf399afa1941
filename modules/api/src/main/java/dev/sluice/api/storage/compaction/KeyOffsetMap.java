package dev.sluice.api.storage.compaction;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cleaner's dedupe map (Kafka's SkimpyOffsetMap): the MD5 digest of each key (16 bytes) to
 * the offset of its latest record, in open-addressed arrays of fixed capacity, 24 bytes per key
 * as {@code log.cleaner.dedupe.buffer.size} counts them. Two keys with the same digest would be
 * taken for one, a risk Kafka accepts too. Used by one cleaning on one thread.
 */
public final class KeyOffsetMap {
    /** Bytes per entry, as {@code log.cleaner.dedupe.buffer.size} is divided. */
    public static final int BYTES_PER_ENTRY = 24;
    private static final double LOAD_FACTOR = 0.9;

    private final int maxKeys;
    private final long[] high;
    private final long[] low;
    /** -1 = empty slot. */
    private final long[] offsets;
    private final int mask;
    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private int size;
    private long digestHigh;
    private long digestLow;

    /** A map for at most {@code maxKeys} distinct keys. */
    public KeyOffsetMap(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1, was " + maxKeys);
        }
        this.maxKeys = maxKeys;
        int slots = Integer.highestOneBit((int) Math.min(1 << 29, (long) Math.ceil(maxKeys / LOAD_FACTOR)) * 2 - 1);
        slots = Math.max(slots, 2);
        this.high = new long[slots];
        this.low = new long[slots];
        this.offsets = new long[slots];
        java.util.Arrays.fill(offsets, -1L);
        this.mask = slots - 1;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    public int size() {
        return size;
    }

    public int maxKeys() {
        return maxKeys;
    }

    /** Room for {@code keys} more distinct keys, whatever they are. */
    public boolean hasRoomFor(int keys) {
        return (long) size + keys <= maxKeys;
    }

    /**
     * Records {@code offset} as the latest of {@code key} (offsets only grow for a key).
     *
     * @throws IllegalStateException if the key is new and the map is full (check {@link #hasRoomFor} first)
     */
    public void put(ByteBuffer key, long offset) {
        hash(key);
        int slot = find();
        if (offsets[slot] < 0) {
            if (size >= maxKeys) {
                throw new IllegalStateException("dedupe map full at " + maxKeys + " keys");
            }
            high[slot] = digestHigh;
            low[slot] = digestLow;
            size++;
        }
        offsets[slot] = Math.max(offsets[slot], offset);
    }

    /** The latest offset recorded for {@code key}, or -1. */
    public long get(ByteBuffer key) {
        hash(key);
        return offsets[find()];
    }

    private int find() {
        int slot = (int) (digestHigh ^ (digestHigh >>> 32)) & mask;
        while (offsets[slot] >= 0 && (high[slot] != digestHigh || low[slot] != digestLow)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private long bigEndianLong(int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = (value << 8) | (digest[i] & 0xFF);
        }
        return value;
    }

    private void hash(ByteBuffer key) {
        md5.update(key.duplicate());
        try {
            md5.digest(digest, 0, 16);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        digestHigh = bigEndianLong(0);
        digestLow = bigEndianLong(8);
    }
}
