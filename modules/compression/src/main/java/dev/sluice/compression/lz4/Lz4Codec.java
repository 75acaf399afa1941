package dev.sluice.compression.lz4;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.compression.LevelRange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/** Kafka codec 3: LZ4 frames as Kafka writes them for magic 2 (see {@link Lz4FrameOutputStream}). */
public final class Lz4Codec implements CompressionCodec {
    /** Kafka's range for {@code compression.lz4.level}: 1-17, default 9. */
    public static final LevelRange LEVELS = new LevelRange("lz4", 1, 17, 9);

    /** Compressors are stateless and thread-safe: one per level, made on first use. */
    private static final LZ4Compressor[] COMPRESSORS = new LZ4Compressor[LEVELS.max() + 1];

    @Override
    public int id() {
        return CompressionType.LZ4.id();
    }

    @Override
    public String name() {
        return CompressionType.LZ4.configName();
    }

    @Override
    public OutputStream compress(OutputStream out, Integer level) throws IOException {
        return new Lz4FrameOutputStream(out, compressor(LEVELS.resolve(level)));
    }

    @Override
    public InputStream decompress(ByteBuffer compressed) throws IOException {
        return new Lz4FrameInputStream(compressed);
    }

    /**
     * Kafka's choice, kept for byte-identical output: the default level uses the fast compressor
     * (what Kafka did before levels were configurable), any other level the HC compressor.
     */
    static LZ4Compressor compressor(int level) {
        LZ4Compressor compressor = COMPRESSORS[level];
        if (compressor == null) {
            LZ4Factory factory = LZ4Factory.fastestInstance();
            compressor = level == LEVELS.defaultLevel() ? factory.fastCompressor() : factory.highCompressor(level);
            COMPRESSORS[level] = compressor; // a benign race: at worst two equal compressors are made
        }
        return compressor;
    }

    @Override
    public String toString() {
        return "Lz4Codec";
    }
}
