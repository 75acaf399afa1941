package dev.sluice.broker.partition;

import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes moving a partition between log directories crash-safe: a marker file in the
 * destination directory, {@code <log dir>/.log-dir-moves/<engine>/<topic>-<partition>.<state>},
 * holding the index in {@code log.dirs} of the directory the partition moves from.
 *
 * <pre>
 *   .future   written (and fsynced) before the copy's first byte: the copy in this directory is a
 *             future replica, incomplete until the swap; at start-up it is deleted and the move
 *             starts again from the source, which is the partition
 *   .moved    the {@code .future} file renamed once the copy is complete and flushed: the commit
 *             point; at start-up the copy here is the partition and the source's copy is deleted
 *   (none)    the move is finished or was never started
 * </pre>
 *
 * A rename is atomic and the directory is fsynced after each change, so a kill -9 at any step
 * leaves exactly one marker state, and with it exactly one copy that is the partition.
 *
 * <p>Threads: changed by the mover thread and AlterReplicaLogDirs handler threads under the
 * owning {@link SpreadEngine}'s lock; read at start-up.
 */
final class FutureLogMarkers {
    static final String DIRECTORY = ".log-dir-moves";
    static final String FUTURE = ".future";
    static final String MOVED = ".moved";

    /** A marker found at start-up. */
    record Marker(TopicPartition partition, int destination, int source, boolean committed) { }

    private final List<Path> directories;

    /** @param logDirs the directories of {@code log.dirs}, in order; {@code engine} the engine's name */
    FutureLogMarkers(List<Path> logDirs, String engine) {
        this.directories = logDirs.stream().map(dir -> dir.resolve(DIRECTORY).resolve(engine)).toList();
    }

    /** Before a future replica of {@code tp} is created in {@code destination}. */
    void future(TopicPartition tp, int destination, int source) {
        Path dir = directories.get(destination);
        Path file = dir.resolve(tp.dirName() + FUTURE);
        Path tmp = dir.resolve(tp.dirName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap((source + "\n").getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file, e);
        }
    }

    /** The commit point of a move: the future replica in {@code destination} is the partition from now on. */
    void committed(TopicPartition tp, int destination) {
        Path dir = directories.get(destination);
        try {
            Files.move(dir.resolve(tp.dirName() + FUTURE), dir.resolve(tp.dirName() + MOVED), StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot commit the move of " + tp + " in " + dir, e);
        }
    }

    /** The move is over (finished, cancelled or resolved at start-up). */
    void clear(TopicPartition tp, int destination) {
        Path dir = directories.get(destination);
        try {
            boolean removed = Files.deleteIfExists(dir.resolve(tp.dirName() + FUTURE));
            removed |= Files.deleteIfExists(dir.resolve(tp.dirName() + MOVED));
            if (removed) {
                forceDirectory(dir);
            }
        } catch (IOException e) {
            throw new StorageException("cannot remove the move marker of " + tp + " in " + dir, e);
        }
    }

    /** Every marker in every directory (start-up); unreadable files are skipped and removed. */
    List<Marker> read() {
        List<Marker> found = new ArrayList<>();
        for (int i = 0; i < directories.size(); i++) {
            Path dir = directories.get(i);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    boolean committed = name.endsWith(MOVED);
                    if (!committed && !name.endsWith(FUTURE)) {
                        Files.deleteIfExists(file); // a .tmp of a marker never written: no copy was started
                        continue;
                    }
                    String dirName = name.substring(0, name.lastIndexOf('.'));
                    int source = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
                    found.add(new Marker(TopicPartition.parse(dirName), i, source, committed));
                }
            } catch (IOException | RuntimeException e) {
                throw new StorageException("cannot read the log directory moves in " + dir, e);
            }
        }
        return found;
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
