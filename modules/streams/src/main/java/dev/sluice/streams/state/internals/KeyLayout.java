package dev.sluice.streams.state.internals;

import dev.sluice.streams.kstream.Window;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The byte layouts of the stores' keys and values. Times are 8 bytes big-endian with the sign bit
 * flipped, so unsigned byte order is time order (negative times included).
 *
 * <pre>
 * window store key:      [window start 8][record key ...]
 * session / buffer key:  [end 8][start 8][record key ...]
 * join buffer key:       [timestamp 8][record key ...][sequence 4]
 * timestamped value:     [timestamp 8][value ...]
 * </pre>
 */
public final class KeyLayout {
    private KeyLayout() {
    }

    public static byte[] time(long t) {
        return ByteBuffer.allocate(8).putLong(t ^ Long.MIN_VALUE).array();
    }

    public static long readTime(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 8).getLong() ^ Long.MIN_VALUE;
    }

    public static byte[] windowKey(long start, byte[] key) {
        return ByteBuffer.allocate(8 + key.length).putLong(start ^ Long.MIN_VALUE).put(key).array();
    }

    public static byte[] sessionKey(long end, long start, byte[] key) {
        return ByteBuffer.allocate(16 + key.length).putLong(end ^ Long.MIN_VALUE).putLong(start ^ Long.MIN_VALUE)
                .put(key).array();
    }

    /** The session key of {@code window}: {@code [end][start][key]}. */
    public static byte[] sessionKey(Window window, byte[] key) {
        return sessionKey(window.end(), window.start(), key);
    }

    /** The window a session key ({@code [end][start][key]}) holds. */
    public static Window sessionWindow(byte[] sessionKey) {
        return new Window(readTime(sessionKey, 8), readTime(sessionKey, 0));
    }

    public static byte[] joinKey(long timestamp, byte[] key, int sequence) {
        return ByteBuffer.allocate(12 + key.length).putLong(timestamp ^ Long.MIN_VALUE).put(key).putInt(sequence).array();
    }

    /** The record key inside a layout key, from {@code prefix} bytes to {@code suffix} bytes before the end. */
    public static byte[] recordKey(byte[] layoutKey, int prefix, int suffix) {
        return Arrays.copyOfRange(layoutKey, prefix, layoutKey.length - suffix);
    }

    /** Whether the record key inside {@code layoutKey} equals {@code key}, without copying. */
    public static boolean hasRecordKey(byte[] layoutKey, int prefix, int suffix, byte[] key) {
        return layoutKey.length - prefix - suffix == key.length
                && Arrays.equals(layoutKey, prefix, prefix + key.length, key, 0, key.length);
    }

    public static byte[] timestamped(long timestamp, byte[] value) {
        if (value == null) {
            return null;
        }
        return ByteBuffer.allocate(8 + value.length).putLong(timestamp).put(value).array();
    }

    public static long timestampOf(byte[] timestampedValue) {
        return ByteBuffer.wrap(timestampedValue, 0, 8).getLong();
    }

    public static byte[] valueOf(byte[] timestampedValue) {
        return Arrays.copyOfRange(timestampedValue, 8, timestampedValue.length);
    }
}
