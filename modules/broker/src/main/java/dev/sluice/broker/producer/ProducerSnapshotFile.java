package dev.sluice.broker.producer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One producer-state snapshot file: the idempotent-producer table of a partition as it was when
 * the log ended at {@code offset}, named {@code <offset, 20 digits>.snapshot} in the partition's
 * snapshot directory. Written to a temporary file, fsynced, renamed into place, directory fsynced.
 *
 * <pre>
 *   0  version        int16   = 1
 *   2  crc            uint32  CRC-32C of every byte from offset 6 to the end of the file
 *   6  offset         int64   the log end the state is complete up to (replay starts here)
 *  14  table version  int32   = 2 (ProducerStateTable's own layout, from here on; 1 is still read)
 *  18  producers      int32   count, then per producer:
 *        producerId int64 | epoch int16 | lastUpdateMs int64
 *        | currentTxnFirstOffset int64 (-1: none) | coordinatorEpoch int32   (both only in version 2)
 *        | batches int32 (0-5), then per batch:
 *          firstSequence int32 | lastSequence int32 | firstOffset int64 | lastOffset int64 | timestamp int64
 * </pre>
 * All numbers big-endian. A file whose CRC, version or length does not match is corrupt and is
 * ignored by the reader (the state is rebuilt from the log instead). Not thread-safe: used under
 * the partition's append lock.
 */
final class ProducerSnapshotFile {
    static final String SUFFIX = ".snapshot";
    private static final short VERSION = 1;
    private static final int HEADER = 2 + 4 + 8;

    private ProducerSnapshotFile() {
    }

    static Path path(Path dir, long offset) {
        return dir.resolve(String.format("%020d", offset) + SUFFIX);
    }

    /** Offset a snapshot file is named after, or -1 if the name is not a snapshot's. */
    static long offsetOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Snapshot offsets present in {@code dir}, ascending. */
    static List<Long> list(Path dir) throws IOException {
        List<Long> offsets = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return offsets;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                long offset = offsetOf(file);
                if (offset >= 0) {
                    offsets.add(offset);
                }
            }
        }
        offsets.sort(null);
        return offsets;
    }

    static void write(Path dir, long offset, ProducerStateTable table) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        table.writeSnapshot(body);
        byte[] tableBytes = body.toByteArray();
        ByteBuffer file = ByteBuffer.allocate(HEADER + tableBytes.length);
        file.putShort(0, VERSION).putLong(6, offset).put(HEADER, tableBytes);
        CRC32C crc = new CRC32C();
        crc.update(file.duplicate().position(6));
        file.putInt(2, (int) crc.getValue());

        Files.createDirectories(dir);
        Path target = path(dir, offset);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (file.hasRemaining()) {
                channel.write(file);
            }
            channel.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot fsync a directory; the rename is still atomic
        }
    }

    /**
     * Reads the snapshot at {@code offset} into {@code table}.
     *
     * @throws IOException if it cannot be read or is corrupt (bad CRC, version, name or length);
     *                     {@code table} is then undefined and must be cleared
     */
    static void read(Path dir, long offset, ProducerStateTable table) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(path(dir, offset)));
        if (file.remaining() < HEADER) {
            throw new IOException("truncated producer snapshot of " + file.remaining() + " bytes");
        }
        if (file.getShort(0) != VERSION) {
            throw new IOException("unknown producer snapshot version " + file.getShort(0));
        }
        CRC32C crc = new CRC32C();
        crc.update(file.duplicate().position(6));
        long stored = Integer.toUnsignedLong(file.getInt(2));
        if (stored != crc.getValue()) {
            throw new IOException("producer snapshot CRC mismatch: stored " + stored + ", computed " + crc.getValue());
        }
        if (file.getLong(6) != offset) {
            throw new IOException("producer snapshot named " + offset + " holds offset " + file.getLong(6));
        }
        ByteArrayInputStream body = new ByteArrayInputStream(file.array(), HEADER, file.remaining() - HEADER);
        table.readSnapshot(body);
        if (body.available() != 0) {
            throw new IOException("producer snapshot has " + body.available() + " trailing bytes");
        }
    }

    static void delete(Path dir, long offset) throws IOException {
        Files.deleteIfExists(path(dir, offset));
    }
}
