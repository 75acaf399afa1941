package dev.sluice.api.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds {@link LogStorageProvider}s on the module path by name. */
public final class LogStorageProviders {
    private LogStorageProviders() {
    }

    public static List<LogStorageProvider> installed() {
        List<LogStorageProvider> providers = new ArrayList<>();
        ServiceLoader.load(LogStorageProvider.class).forEach(providers::add);
        return providers;
    }

    /** The provider called {@code name}; fails naming the ones that are installed. */
    public static LogStorageProvider byName(String name) {
        List<LogStorageProvider> providers = installed();
        for (LogStorageProvider provider : providers) {
            if (provider.name().equalsIgnoreCase(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("log.storage=" + name + ": no such log storage is installed; installed: "
                + providers.stream().map(LogStorageProvider::name).toList()
                + ". Put the module that provides it on the module path or pick one of those.");
    }
}
