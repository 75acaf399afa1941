package dev.sluice.compression;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.record.Header;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic payloads and records shared by the tests, plus small compress/decompress helpers. */
final class TestData {
    private TestData() {
    }

    /** Text-like bytes that compress well (repeated words with varying numbers). */
    static byte[] compressible(int size, long seed) {
        Random random = new Random(seed);
        String[] words = {"sluice ", "kafka ", "batch ", "record ", "offset ", "partition ", "leader "};
        StringBuilder text = new StringBuilder(size + 16);
        while (text.length() < size) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
        }
        return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** Random bytes: incompressible, so LZ4 stores such blocks raw. */
    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static CompressionCodec codec(CompressionType type) {
        return type == CompressionType.NONE ? null : CompressionCodecs.installed().forId(type.id());
    }

    static byte[] compress(CompressionCodec codec, byte[] data, Integer level) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(sink, level)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    static byte[] decompress(CompressionCodec codec, ByteBuffer compressed) throws IOException {
        try (InputStream in = codec.decompress(compressed)) {
            return in.readAllBytes();
        }
    }

    static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    /** One record as both sides of the interop tests see it. */
    record Sample(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    }

    /**
     * Records covering the encoding's corners: null and empty keys and values, headers (one with a
     * null value), timestamps before the first one (negative deltas), and values large enough that
     * the batch spans several 64 KiB LZ4 blocks even after compression.
     */
    static List<Sample> samples() {
        long t0 = 1_700_000_000_000L;
        List<Sample> samples = new ArrayList<>();
        samples.add(new Sample(t0, bytes("k0"), bytes("hello"), List.of()));
        samples.add(new Sample(t0 + 5, null, bytes("no key"), List.of()));
        samples.add(new Sample(t0 + 7, bytes("tombstone"), null, List.of()));
        samples.add(new Sample(t0 - 1_000, new byte[0], new byte[0],
                List.of(new Header("trace", bytes("abc")), new Header("empty", null), new Header("", new byte[0]))));
        samples.add(new Sample(t0 + 100, bytes("big-random"), random(150_000, 1), List.of(new Header("h", random(300, 2)))));
        samples.add(new Sample(t0 + 101, bytes("big-text"), compressible(400_000, 3), List.of()));
        for (int i = 0; i < 50; i++) {
            samples.add(new Sample(t0 + 200 + i, bytes("key-" + i), compressible(10 + i * 37, i), List.of()));
        }
        return samples;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
