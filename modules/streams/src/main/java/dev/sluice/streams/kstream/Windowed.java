package dev.sluice.streams.kstream;

/** A key of a windowed aggregation: the record key and its window. */
public record Windowed<K>(K key, Window window) {
    @Override
    public String toString() {
        return "[" + key + "@" + window.start() + "/" + window.end() + "]";
    }
}
