package dev.sluice.example.plugin;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.RecordBatches;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleRleCodecTest {
    private final ExampleRleCodec codec = new ExampleRleCodec();

    private byte[] compress(byte[] input) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = codec.compress(sink, null)) {
            out.write(input);
        }
        return sink.toByteArray();
    }

    private byte[] decompress(byte[] compressed) throws IOException {
        try (InputStream in = codec.decompress(ByteBuffer.wrap(compressed))) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripsRunsLongerThanOneLengthByteAndRandomBytes() throws IOException {
        byte[] runs = new byte[1000]; // 1000 zeros: 255 + 255 + 255 + 235
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);

        assertThat(compress(runs)).hasSize(8);
        assertThat(decompress(compress(runs))).isEqualTo(runs);
        assertThat(decompress(compress(random))).isEqualTo(random);
        assertThat(decompress(compress(new byte[0]))).isEmpty();
        assertThat(decompress(compress("aaabccc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("aaabccc".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aTruncatedStreamIsAnError() throws IOException {
        byte[] compressed = compress("aaaa".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> decompress(new byte[] {compressed[0]})).isInstanceOf(IOException.class);
    }

    @Test
    void aRecordBatchCompressedWithItDecodesThroughTheInstalledCodecs() {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionCodecs.installed().forName("example-rle"));
        builder.append(1, null, "x".repeat(500).getBytes(StandardCharsets.US_ASCII));
        builder.append(2, "k".getBytes(StandardCharsets.US_ASCII), "yyyyyyyy".getBytes(StandardCharsets.US_ASCII));
        RecordBatch batch = new RecordBatch(builder.build(), 0);

        assertThat(batch.compressionId()).isEqualTo(7);
        assertThat(batch.sizeInBytes()).isLessThan(200);
        List<Record> records = RecordBatches.records(batch, CompressionCodecs.installed());
        assertThat(records).extracting(r -> new String(r.valueBytes(), StandardCharsets.US_ASCII))
                .containsExactly("x".repeat(500), "yyyyyyyy");
    }
}
