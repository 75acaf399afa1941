package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.offset.OffsetStoreProvider;
import dev.sluice.api.storage.LogStorageProviders;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The settings installed plugins declare ({@code LogStorageProvider.settings()},
 * {@code OffsetStoreProvider.settings()}): a plugin's key is accepted in the broker's settings only if
 * an installed plugin declares it (a topic may pick a storage engine other than the default, so every
 * installed plugin's count), so a misspelled Kafka key is never mistaken for one.
 *
 * <p>Stateless; any thread (each call asks {@link ServiceLoader} again).
 */
public final class PluginSettings {

    private PluginSettings() {
    }

    /**
     * The settings declared by every installed log storage and offset store (one definition per
     * name: LMDB's log and offset backends share theirs). A plugin key that is also a broker key
     * is a problem: it would be read with two meanings (and is left out here).
     */
    public static ConfigDef installed() {
        return installed(new ArrayList<>());
    }

    /** As {@link #installed()}, adding a problem for each plugin key that is also a broker key. */
    static ConfigDef installed(List<String> problems) {
        Map<String, ConfigKey> keys = new LinkedHashMap<>();
        List<ConfigKey> declared = new ArrayList<>();
        LogStorageProviders.installed().forEach(p -> declared.addAll(p.settings()));
        ServiceLoader.load(OffsetStoreProvider.class).forEach(p -> declared.addAll(p.settings()));
        for (ConfigKey k : declared) {
            if (BrokerConfigDef.DEF.contains(k.name())) {
                problems.add(k.name() + ": declared by a plugin but it is a broker setting; the plugin must rename it");
            } else {
                keys.putIfAbsent(k.name(), k);
            }
        }
        return ConfigDef.of(keys.values());
    }
}
