package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.state.ReadOnlyKeyValueStore;
import dev.sluice.streams.state.ReadOnlySessionStore;
import dev.sluice.streams.state.ReadOnlyWindowStore;
import dev.sluice.streams.state.StateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Read-only views over one store name across the tasks this instance runs now (each task holds its
 * partition's share of the keys): a key is answered by whichever task has it; ranges concatenate the
 * tasks' results, task by task. Views re-read the task list at every call, so they follow rebalances.
 * Any thread.
 */
public final class LocalStores {
    private LocalStores() {
    }

    @SuppressWarnings("unchecked")
    private static <S> List<S> typed(Map<TaskId, StateStore> stores, Class<?> type, String name) {
        List<S> out = new ArrayList<>();
        for (StateStore s : stores.values()) {
            if (!type.isInstance(s)) {
                throw new IllegalArgumentException("store " + name + " is a " + s.getClass().getSimpleName()
                        + ", not a " + type.getSimpleName());
            }
            out.add((S) s);
        }
        return out;
    }

    public static <K, V> ReadOnlyKeyValueStore<K, V> keyValue(String name, Supplier<Map<TaskId, StateStore>> stores) {
        return new ReadOnlyKeyValueStore<>() {
            private List<ReadOnlyKeyValueStore<K, V>> current() {
                return typed(stores.get(), ReadOnlyKeyValueStore.class, name);
            }

            @Override
            public V get(K key) {
                for (ReadOnlyKeyValueStore<K, V> s : current()) {
                    V v = s.get(key);
                    if (v != null) {
                        return v;
                    }
                }
                return null;
            }

            @Override
            public List<KeyValue<K, V>> range(K from, K to) {
                List<KeyValue<K, V>> out = new ArrayList<>();
                current().forEach(s -> out.addAll(s.range(from, to)));
                return out;
            }

            @Override
            public List<KeyValue<K, V>> all() {
                List<KeyValue<K, V>> out = new ArrayList<>();
                current().forEach(s -> out.addAll(s.all()));
                return out;
            }

            @Override
            public long approximateNumEntries() {
                return current().stream().mapToLong(ReadOnlyKeyValueStore::approximateNumEntries).sum();
            }
        };
    }

    public static <K, V> ReadOnlyWindowStore<K, V> window(String name, Supplier<Map<TaskId, StateStore>> stores) {
        return new ReadOnlyWindowStore<>() {
            private List<ReadOnlyWindowStore<K, V>> current() {
                return typed(stores.get(), ReadOnlyWindowStore.class, name);
            }

            @Override
            public V fetch(K key, long windowStart) {
                for (ReadOnlyWindowStore<K, V> s : current()) {
                    V v = s.fetch(key, windowStart);
                    if (v != null) {
                        return v;
                    }
                }
                return null;
            }

            @Override
            public List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo) {
                List<KeyValue<Long, V>> out = new ArrayList<>();
                current().forEach(s -> out.addAll(s.fetch(key, timeFrom, timeTo)));
                return out;
            }

            @Override
            public List<KeyValue<Windowed<K>, V>> all() {
                List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
                current().forEach(s -> out.addAll(s.all()));
                return out;
            }
        };
    }

    public static <K, V> ReadOnlySessionStore<K, V> session(String name, Supplier<Map<TaskId, StateStore>> stores) {
        return key -> {
            List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
            for (ReadOnlySessionStore<K, V> s : LocalStores.<ReadOnlySessionStore<K, V>>typed(stores.get(),
                    ReadOnlySessionStore.class, name)) {
                out.addAll(s.fetch(key));
            }
            return out;
        };
    }
}
