package dev.sluice.connect.file;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.SinkRecord;
import dev.sluice.connect.api.SinkTask;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;

/**
 * Appends {@code String.valueOf(value)} and a newline per record; {@link #flush} writes the buffer
 * out and fsyncs before the worker commits the offsets. Task thread only.
 */
public final class FileStreamSinkTask implements SinkTask {
    private Path file;
    private OutputStream stream;
    private BufferedWriter writer;

    @Override
    public void start(Map<String, String> config) {
        file = Path.of(config.get("file"));
        try {
            stream = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConnectException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            for (SinkRecord r : records) {
                writer.write(String.valueOf(r.value()));
                writer.write('\n');
            }
        } catch (IOException e) {
            throw new ConnectException("cannot write to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void flush(Map<TopicPartition, Long> offsets) {
        try {
            writer.flush();
            if (stream instanceof java.io.FileOutputStream fos) {
                fos.getFD().sync();
            }
        } catch (IOException e) {
            throw new ConnectException("cannot flush " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        try {
            if (writer != null) {
                writer.close();
            }
        } catch (IOException e) {
            throw new ConnectException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
