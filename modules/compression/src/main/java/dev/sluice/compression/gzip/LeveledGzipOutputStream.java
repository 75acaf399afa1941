package dev.sluice.compression.gzip;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/** GZIPOutputStream has no level parameter; its deflater is reachable by subclasses only. */
final class LeveledGzipOutputStream extends GZIPOutputStream {

    LeveledGzipOutputStream(OutputStream out, int bufferSize, int level) throws IOException {
        super(out, bufferSize);
        // the header written by super() is not deflated, so changing the level now affects all data
        def.setLevel(level);
    }
}
