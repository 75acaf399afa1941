package dev.sluice.connect.file;

import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.SourceRecord;
import dev.sluice.connect.api.SourceTask;
import dev.sluice.connect.api.SourceTaskContext;
import dev.sluice.connect.data.Schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads complete lines (ending in {@code \n}; a trailing {@code \r} is dropped) from the file,
 * starting at the committed byte position ({@code {"position": n}} under {@code {"filename": path}},
 * Kafka's keys); a line still being written waits for its newline. When nothing is new it waits a
 * little and returns nothing. {@link #poll} on the task's thread; {@link #stop} from any thread.
 */
public final class FileStreamSourceTask implements SourceTask {
    static final String FILENAME = "filename";
    static final String POSITION = "position";
    private static final long IDLE_WAIT_MS = 100;

    private SourceTaskContext context;
    private Path file;
    private String topic;
    private int batchSize;
    private Map<String, String> partition;
    private long position;
    private FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private byte[] pendingLine = new byte[0];
    private volatile boolean stopped;

    @Override
    public void initialize(SourceTaskContext taskContext) {
        this.context = taskContext;
    }

    @Override
    public void start(Map<String, String> config) {
        file = Path.of(config.get("file"));
        topic = config.get("topic");
        batchSize = Integer.parseInt(config.getOrDefault("batch.size", "2000"));
        partition = Map.of(FILENAME, file.toString());
        Map<String, Object> offset = context.offset(partition);
        position = offset != null && offset.get(POSITION) instanceof Number n ? n.longValue() : 0L;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopped) {
            return null;
        }
        List<SourceRecord> records = new ArrayList<>();
        try {
            if (channel == null && !open()) {
                Thread.sleep(IDLE_WAIT_MS);
                return null;
            }
            if (channel.size() < position + pendingLine.length) {
                throw new ConnectException(file + " became shorter than the position read so far (" + position
                        + "); it was truncated or replaced");
            }
            while (records.size() < batchSize) {
                buffer.clear();
                int n = channel.read(buffer, position + pendingLine.length);
                if (n <= 0) {
                    break;
                }
                buffer.flip();
                collectLines(records);
            }
        } catch (IOException e) {
            throw new ConnectException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            Thread.sleep(IDLE_WAIT_MS);
        }
        return records;
    }

    private boolean open() throws IOException {
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Cuts the buffer into lines; bytes after the last newline wait in {@code pendingLine}. */
    private void collectLines(List<SourceRecord> records) {
        int start = buffer.position();
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            if (buffer.get(i) == '\n') {
                byte[] line = new byte[pendingLine.length + (i - start)];
                System.arraycopy(pendingLine, 0, line, 0, pendingLine.length);
                buffer.get(start, line, pendingLine.length, i - start);
                position += line.length + 1;
                pendingLine = new byte[0];
                start = i + 1;
                int len = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
                records.add(new SourceRecord(partition, Map.of(POSITION, position), topic, null, null, null,
                        Schema.STRING, new String(line, 0, len, StandardCharsets.UTF_8), null, List.of()));
            }
        }
        if (start < buffer.limit()) {
            byte[] rest = new byte[pendingLine.length + buffer.limit() - start];
            System.arraycopy(pendingLine, 0, rest, 0, pendingLine.length);
            buffer.get(start, rest, pendingLine.length, buffer.limit() - start);
            pendingLine = rest;
        }
    }

    @Override
    public void stop() {
        stopped = true;
        FileChannel c = channel;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a read-only channel; nothing to lose
            }
        }
    }
}
