package dev.sluice.connect.runtime;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.connect.api.ConnectException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Standalone offsets in one file ({@code offset.storage.file.filename}): a JSON array of
 * {@code {"key": [connector, partition], "value": offset}} entries, rewritten whole through a
 * temporary file, fsynced and renamed over the old one, so a crash leaves the old or the new
 * content, never a torn one. Thread-safe (synchronized; tasks commit from their own threads).
 */
public final class FileOffsetStore implements OffsetStore {
    private final Path file;
    private final Map<String, String> entries = new LinkedHashMap<>();

    public FileOffsetStore(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            try {
                for (Object e : (List<?>) JsonReader.parse(Files.readString(file))) {
                    Map<?, ?> entry = (Map<?, ?>) e;
                    entries.put(JsonWriter.write(entry.get("key")), JsonWriter.write(entry.get("value")));
                }
            } catch (IOException | RuntimeException e) {
                throw new ConnectException("cannot read the offsets in " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized Map<String, Object> get(String connector, Map<String, ?> partition) {
        String v = entries.get(OffsetKeys.key(connector, partition));
        return v == null ? null : OffsetKeys.parseValue(v);
    }

    @Override
    public synchronized void put(String connector, Map<Map<String, ?>, Map<String, ?>> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        offsets.forEach((p, o) -> entries.put(OffsetKeys.key(connector, p), OffsetKeys.value(o)));
        List<Object> out = new ArrayList<>();
        entries.forEach((k, v) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", JsonReader.parse(k));
            entry.put("value", JsonReader.parse(v));
            out.add(entry);
        });
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(JsonWriter.write(out).getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ConnectException("cannot write the offsets to " + file + ": " + e.getMessage(), e);
        }
    }
}
