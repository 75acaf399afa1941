package dev.sluice.compression.zstd;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.compression.ByteBufferInputStream;
import dev.sluice.compression.LevelRange;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Kafka codec 4: zstd streaming frames through zstd-jni, set up as Kafka's ZstdCompression does
 * (no finalizers, recycled native-side buffers, a 16 KiB write buffer in front).
 *
 * <p>Decompression keeps zstd's own default window limit (2^27 bytes): a frame asking for a larger
 * window is refused by the library instead of allocating whatever it declares. Lowering it would
 * refuse legitimate level-22 batches, which use exactly that window.
 */
public final class ZstdCodec implements CompressionCodec {
    static final int WRITE_BUFFER_SIZE = 16 * 1024;

    @Override
    public int id() {
        return CompressionType.ZSTD.id();
    }

    @Override
    public String name() {
        return CompressionType.ZSTD.configName();
    }

    @Override
    public OutputStream compress(OutputStream out, Integer level) throws IOException {
        int resolved = levels().resolve(level);
        return new BufferedOutputStream(
                new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE, resolved), WRITE_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(ByteBuffer compressed) throws IOException {
        return new ErrorTranslatingStream(
                new ZstdInputStreamNoFinalizer(new ByteBufferInputStream(compressed), RecyclingBufferPool.INSTANCE));
    }

    /** Kafka's range: zstd's min..max (-131072..22), default 3 (zstd's default). */
    public static LevelRange levels() {
        return Levels.RANGE;
    }

    @Override
    public String toString() {
        return "ZstdCodec";
    }

    /**
     * Asking zstd for its levels loads the native library; done on first use rather than when the
     * ServiceLoader instantiates every codec, so a platform without it only loses zstd.
     */
    private static final class Levels {
        static final LevelRange RANGE = new LevelRange("zstd",
                Zstd.minCompressionLevel(), Zstd.maxCompressionLevel(), Zstd.defaultCompressionLevel());
    }

    /** zstd-jni reports some decoding failures as the unchecked ZstdException; callers expect IOException. */
    private static final class ErrorTranslatingStream extends FilterInputStream {
        ErrorTranslatingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZstdException e) {
                throw corrupt(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZstdException e) {
                throw corrupt(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (ZstdException e) {
                throw corrupt(e);
            }
        }

        private static IOException corrupt(ZstdException e) {
            return new IOException("corrupt zstd data: " + e.getMessage(), e);
        }
    }
}
