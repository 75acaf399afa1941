package dev.sluice.api.compression;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Finds {@link CompressionCodec}s on the module path (or class path) by id or name.
 * {@code none} needs no codec and is never looked up here.
 */
public final class CompressionCodecs {
    private static final Map<ModuleLayer, CompressionCodecs> CACHE = new ConcurrentHashMap<>();

    private final Map<Integer, CompressionCodec> byId;
    private final Map<String, CompressionCodec> byName;

    private CompressionCodecs(Iterable<CompressionCodec> codecs) {
        Map<Integer, CompressionCodec> ids = new TreeMap<>();
        Map<String, CompressionCodec> names = new TreeMap<>();
        for (CompressionCodec codec : codecs) {
            ids.putIfAbsent(codec.id(), codec);
            names.putIfAbsent(codec.name().toLowerCase(java.util.Locale.ROOT), codec);
        }
        this.byId = Map.copyOf(ids);
        this.byName = Map.copyOf(names);
    }

    /** Codecs visible to this module's layer (cached). */
    public static CompressionCodecs installed() {
        ModuleLayer layer = CompressionCodecs.class.getModule().getLayer();
        ModuleLayer key = layer == null ? ModuleLayer.boot() : layer;
        return CACHE.computeIfAbsent(key, k -> new CompressionCodecs(ServiceLoader.load(CompressionCodec.class)));
    }

    /** Codecs from an explicit set, e.g. for tests. */
    public static CompressionCodecs of(Iterable<CompressionCodec> codecs) {
        return new CompressionCodecs(codecs);
    }

    public CompressionCodec forId(int id) {
        CompressionCodec codec = byId.get(id);
        if (codec == null) {
            throw new IllegalArgumentException("no compression codec with id " + id + " is installed (installed: "
                    + describe() + "); put the module providing it on the module path");
        }
        return codec;
    }

    public CompressionCodec forName(String name) {
        CompressionCodec codec = byName.get(name.toLowerCase(java.util.Locale.ROOT));
        if (codec == null) {
            throw new IllegalArgumentException("no compression codec named '" + name + "' is installed (installed: "
                    + describe() + "); put the module providing it on the module path");
        }
        return codec;
    }

    public boolean has(int id) {
        return byId.containsKey(id);
    }

    private String describe() {
        return byId.values().stream().map(c -> c.name() + "=" + c.id()).collect(Collectors.joining(", "));
    }
}
