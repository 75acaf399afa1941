package dev.sluice.broker.group.offset;

import dev.sluice.api.offset.OffsetStoreProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds {@link OffsetStoreProvider}s (module path or class path) by name: {@code offsets.store}. */
public final class OffsetStoreProviders {
    private OffsetStoreProviders() {
    }

    public static List<OffsetStoreProvider> installed() {
        List<OffsetStoreProvider> providers = new ArrayList<>();
        ServiceLoader.load(OffsetStoreProvider.class).forEach(providers::add);
        return providers;
    }

    /** The provider called {@code name}; fails naming the ones that are installed. */
    public static OffsetStoreProvider byName(String name) {
        List<OffsetStoreProvider> providers = installed();
        for (OffsetStoreProvider provider : providers) {
            if (provider.name().equalsIgnoreCase(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("offsets.store=" + name + ": no such offset store is installed; installed: "
                + providers.stream().map(OffsetStoreProvider::name).toList()
                + ". Put the module that provides it on the module path or pick one of those.");
    }
}
