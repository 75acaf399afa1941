package dev.sluice.example.plugin;

import dev.sluice.api.compression.CompressionCodec;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * {@code compression.type=example-rle}, codec id 7: run-length encoding, as an example of the
 * codec SPI, not for production. The stream is pairs {@code (runLength 1..255, byte)}.
 *
 * <p>Kafka defines ids 0-4; 7 is unused, and no Kafka client can read it, so only Sluice clients
 * that have this plugin installed can produce or consume batches compressed with it.
 */
public final class ExampleRleCodec implements CompressionCodec {
    public static final int ID = 7;
    public static final String NAME = "example-rle";

    @Override
    public int id() {
        return ID;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code level} is ignored: run-length encoding has only one way to do it. */
    @Override
    public OutputStream compress(OutputStream out, Integer level) {
        return new RleOutputStream(out);
    }

    @Override
    public InputStream decompress(ByteBuffer compressed) {
        return new RleInputStream(compressed.slice());
    }

    /** Holds the current run and writes it when a different byte comes (or the run is full, or on close). */
    private static final class RleOutputStream extends FilterOutputStream {
        private int runByte = -1;
        private int runLength;

        RleOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            b &= 0xff;
            if (b == runByte && runLength < 255) {
                runLength++;
                return;
            }
            writeRun();
            runByte = b;
            runLength = 1;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        private void writeRun() throws IOException {
            if (runLength > 0) {
                out.write(runLength);
                out.write(runByte);
            }
        }

        @Override
        public void close() throws IOException {
            writeRun();
            runLength = 0;
            super.close();
        }
    }

    /** Expands the pairs back, one run at a time. */
    private static final class RleInputStream extends InputStream {
        private final ByteBuffer in;
        private int runByte;
        private int remaining;

        RleInputStream(ByteBuffer in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (remaining == 0) {
                if (!in.hasRemaining()) {
                    return -1;
                }
                if (in.remaining() < 2) {
                    throw new IOException("example-rle stream ends inside a run");
                }
                remaining = in.get() & 0xff;
                runByte = in.get() & 0xff;
                if (remaining == 0) {
                    throw new IOException("example-rle run of length 0");
                }
            }
            remaining--;
            return runByte;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int n = 0;
            while (n < length) {
                int b = read();
                if (b < 0) {
                    break;
                }
                target[offset + n++] = (byte) b;
            }
            return n == 0 ? -1 : n;
        }
    }
}
