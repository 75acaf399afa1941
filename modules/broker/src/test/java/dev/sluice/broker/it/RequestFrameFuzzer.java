package dev.sluice.broker.it;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka request frames for the broker fuzz: valid seeds of several APIs (ApiVersions, Metadata,
 * CreateTopics, Fetch, Produce with real batches in every codec, an acks=0 produce), and their
 * mutations ({@link #fuzzFrame}): flipped bytes, truncations, wrong and huge declared sizes, unknown API
 * keys and versions, corrupted batches, a valid request followed by a broken one, noise. Immutable
 * after construction; any thread.
 */
final class RequestFrameFuzzer {
    /** A valid request frame (size prefix included); {@code answered} unless it is an acks=0 produce. */
    record Seed(String name, byte[] frame, boolean answered, int batchStart, int batchSize) {
    }

    private final List<Seed> seeds;
    private final List<Seed> produces;
    private final int maxRequestBytes;

    /**
     * @param topic           the topic the Metadata, Fetch and Produce seeds name (partitions 0 and 1)
     * @param maxRequestBytes the broker's {@code socket.request.max.bytes}: declared sizes are chosen around it
     */
    RequestFrameFuzzer(String topic, int maxRequestBytes) {
        this.seeds = seeds(topic);
        this.produces = seeds.stream().filter(s -> s.batchStart > 0).toList();
        this.maxRequestBytes = maxRequestBytes;
    }

    List<Seed> seeds() {
        return seeds;
    }

    private static List<Seed> seeds(String topic) {
        List<Seed> seeds = new ArrayList<>();
        seeds.add(seed("apiVersions-v3", ApiKey.API_VERSIONS, (short) 3, WireClient.apiVersions()));
        seeds.add(seed("apiVersions-v0", ApiKey.API_VERSIONS, (short) 0, ApiKey.API_VERSIONS.newRequest()));
        seeds.add(seed("metadata", ApiKey.METADATA, WireClient.METADATA_V, WireClient.metadata(topic)));
        seeds.add(seed("metadata-all", ApiKey.METADATA, (short) 1, ApiKey.METADATA.newRequest().set("Topics", null)));
        Struct create = WireClient.createTopics("fuzz-created", 1).set("validateOnly", true);
        seeds.add(seed("createTopics-validateOnly", ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, create));
        seeds.add(seed("fetch", ApiKey.FETCH, WireClient.FETCH_V, WireClient.fetch(topic, 0, 0, 64 * 1024).set("MaxWaitMs", 50)
                .set("MinBytes", 1)));
        seeds.add(seed("fetch-v4", ApiKey.FETCH, (short) 4, WireClient.fetch(topic, 1, 0, 64 * 1024).set("MaxWaitMs", 20)));
        CompressionCodecs codecs = CompressionCodecs.installed();
        String[] codecNames = {null, "gzip", "snappy", "lz4", "zstd"};
        for (String codec : codecNames) {
            RecordBatchBuilder builder = new RecordBatchBuilder(codec == null ? null : codecs.forName(codec));
            for (int r = 0; r < 4; r++) {
                builder.append(1_700_000_000_000L + r, ("k" + r).getBytes(StandardCharsets.UTF_8),
                        ("fuzz-value-" + r + "-" + codec).getBytes(StandardCharsets.UTF_8),
                        List.of(new dev.sluice.api.record.Header("h", "v".getBytes(StandardCharsets.UTF_8))));
            }
            seeds.add(produceSeed(topic, "produce-" + codec, builder.build(), (short) 1, codec == null ? 0 : 1));
        }
        ByteBuffer acksZero = new RecordBatchBuilder(null).append(1L, null, "fuzz-value-acks0".getBytes(StandardCharsets.UTF_8)).build();
        seeds.add(produceSeed(topic, "produce-acks0", acksZero, (short) 0, 1));
        return List.copyOf(seeds);
    }

    private static Seed seed(String name, ApiKey api, short version, Struct body) {
        return new Seed(name, WireClient.frame(api, version, 1, body), true, -1, 0);
    }

    private static Seed produceSeed(String topic, String name, ByteBuffer batch, short acks, int partition) {
        byte[] batchBytes = new byte[batch.remaining()];
        batch.duplicate().get(batchBytes);
        byte[] frame = WireClient.frame(ApiKey.PRODUCE, WireClient.PRODUCE_V, 1,
                WireClient.produce(topic, partition, acks, ByteBuffer.wrap(batchBytes)));
        int start = FuzzWire.indexOf(frame, batchBytes);
        assertThat(start).isPositive();
        return new Seed(name, frame, acks != 0, start, batchBytes.length);
    }

    /** One fuzzed frame: mostly a mutated seed, sometimes noise. */
    byte[] fuzzFrame(Random random) {
        Seed seed = seeds.get(random.nextInt(seeds.size()));
        byte[] frame = seed.frame.clone();
        int op = random.nextInt(10);
        switch (op) {
            case 0 -> { // flip a few bytes anywhere after the size
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    int at = 4 + random.nextInt(frame.length - 4);
                    frame[at] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> { // truncate (the declared size stays: the broker waits for bytes that never come)
                frame = Arrays.copyOf(frame, random.nextInt(frame.length));
            }
            case 2 -> { // declared size wrong: a little off, negative, or anything
                int size = switch (random.nextInt(3)) {
                    case 0 -> frame.length - 4 + random.nextInt(21) - 10;
                    case 1 -> -1 - random.nextInt(Integer.MAX_VALUE);
                    default -> random.nextInt(maxRequestBytes);
                };
                ByteBuffer.wrap(frame).putInt(0, size);
            }
            case 3 -> { // huge declared length, then whatever follows
                int size = random.nextBoolean() ? Integer.MAX_VALUE - random.nextInt(1000) : maxRequestBytes + 1 + random.nextInt(1 << 28);
                ByteBuffer.wrap(frame).putInt(0, size);
            }
            case 4 -> { // unknown API key or version
                ByteBuffer b = ByteBuffer.wrap(frame);
                if (random.nextBoolean()) {
                    b.putShort(4, (short) random.nextInt(Short.MAX_VALUE));
                } else {
                    b.putShort(6, (short) (random.nextInt(60) - 10));
                }
            }
            case 5 -> { // a produce whose batch is corrupted: its CRC no longer matches
                Seed produce = produces.get(random.nextInt(produces.size()));
                frame = produce.frame.clone();
                int at = produce.batchStart + RecordBatch.CRC_OFFSET + random.nextInt(produce.batchSize - RecordBatch.CRC_OFFSET);
                frame[at] ^= (byte) (1 + random.nextInt(255));
            }
            case 6 -> { // a produce batch with a wrong length or record count, CRC intact or not
                Seed produce = produces.get(random.nextInt(produces.size()));
                frame = produce.frame.clone();
                ByteBuffer b = ByteBuffer.wrap(frame);
                if (random.nextBoolean()) {
                    b.putInt(produce.batchStart + RecordBatch.LENGTH_OFFSET, random.nextInt());
                } else {
                    b.putInt(produce.batchStart + RecordBatch.RECORDS_COUNT_OFFSET, random.nextInt());
                }
            }
            case 7 -> { // pure noise with a plausible size
                int length = random.nextInt(512);
                frame = new byte[4 + length];
                random.nextBytes(frame);
                ByteBuffer.wrap(frame).putInt(0, length);
            }
            case 8 -> { // a valid request followed by a mutated one on the same connection
                byte[] second = seed.frame.clone();
                second[4 + random.nextInt(second.length - 4)] ^= (byte) (1 + random.nextInt(255));
                frame = FuzzWire.concat(seeds.get(random.nextInt(seeds.size())).frame, second);
            }
            default -> { // a run of random bytes overwritten in the body
                int at = 4 + random.nextInt(frame.length - 4);
                int length = Math.min(frame.length - at, 1 + random.nextInt(16));
                byte[] noise = new byte[length];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, frame, at, length);
            }
        }
        return frame;
    }
}
