package dev.sluice.broker.config;

import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigNames;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The broker's settings in effect: the static ones plus the dynamic overrides kept in the cluster
 * metadata store ({@code /config/brokers/<id>} for this broker, {@code /config/brokers/<default>}
 * for every broker; on a single node a store of its own in the log directory), Kafka's
 * {@code DynamicBrokerConfig}. AlterConfigs on the BROKER resource goes through {@link #alter}:
 * checked, written to the store, taken in; a change another broker wrote arrives as the store's
 * {@code configChanged} event. Every change yields a new immutable {@link BrokerConfig} and is
 * handed to the {@link #onChange} listeners (e.g. the topic defaults of the partitions).
 *
 * <p>Threads: {@link #current()} from any thread; {@link #alter} on request handler threads,
 * {@link #reload()} on the store's event thread, serialised by this object's lock (of concurrent
 * reloads the last reads the newest overrides).
 */
public final class DynamicBrokerConfig implements ClusterListener {
    private static final System.Logger LOG = System.getLogger(DynamicBrokerConfig.class.getName());

    /** Why an alteration was refused; the handler maps it onto a Kafka error. */
    public enum Reason {
        /** Kafka's INVALID_REQUEST: another broker's id, or a setting that cannot change at run time. */
        INVALID_REQUEST,
        /** Kafka's INVALID_CONFIG: an unknown setting or a bad value. */
        INVALID_CONFIG,
        /** The cluster metadata store failed (whether the change was written is unknown). */
        STORE_FAILED
    }

    /** The answer to an alteration. */
    public sealed interface Outcome {
        record Done(Map<String, String> overrides) implements Outcome {
        }

        record Refused(Reason reason, String message) implements Outcome {
        }
    }

    private final BrokerConfig staticConfig;
    private final ClusterMetadataStore store;
    private final List<Consumer<BrokerConfig>> listeners = new CopyOnWriteArrayList<>();
    private volatile BrokerConfig current;

    private DynamicBrokerConfig(BrokerConfig staticConfig, ClusterMetadataStore store) {
        this.staticConfig = staticConfig;
        this.store = store;
        this.current = staticConfig;
    }

    /**
     * Reads this broker's and the cluster's dynamic overrides from {@code store} and follows its
     * changes from now on (the store must outlive this object's use).
     */
    public static DynamicBrokerConfig load(BrokerConfig staticConfig, ClusterMetadataStore store) {
        DynamicBrokerConfig config = new DynamicBrokerConfig(staticConfig, Objects.requireNonNull(store, "store"));
        config.reload();
        store.addListener(config);
        return config;
    }

    /** Only the static settings; alterations are refused (tests without a store). */
    public static DynamicBrokerConfig fixed(BrokerConfig staticConfig) {
        return new DynamicBrokerConfig(staticConfig, null);
    }

    /** The settings in effect now. */
    public BrokerConfig current() {
        return current;
    }

    /** Registers a callback run with the new settings after every change (on the changing thread). */
    public void onChange(Consumer<BrokerConfig> listener) {
        listeners.add(listener);
    }

    /**
     * Changes the overrides of a BROKER resource: {@code ""} (the cluster default) or this broker's
     * id (as Kafka, a broker changes only its own; clients send a broker's resource to that broker).
     * {@code change} maps the entity's current overrides to the new ones; every setting it adds or
     * changes must be a dynamic broker setting with a valid value.
     */
    public Outcome alter(String resourceName, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
        BrokerConfig now = current;
        boolean clusterDefault = resourceName == null || resourceName.isEmpty();
        String ownId = Integer.toString(staticConfig.nodeId());
        if (!clusterDefault && !resourceName.equals(ownId)) {
            return new Outcome.Refused(Reason.INVALID_REQUEST, "Unexpected broker id, expected " + ownId
                    + " or empty string, but received " + resourceName);
        }
        Map<String, String> before = clusterDefault ? now.dynamicDefault() : now.dynamicBroker();
        Map<String, String> after = new TreeMap<>(change.apply(new LinkedHashMap<>(before)));
        after.values().removeIf(Objects::isNull);
        String problem = unknownKeys(after, before);
        if (problem != null) {
            return new Outcome.Refused(Reason.INVALID_CONFIG, problem);
        }
        Set<String> notDynamic = new TreeSet<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            if (changed(e.getKey(), after, before) && !isDynamic(e.getKey())) {
                notDynamic.add(e.getKey());
            }
        }
        if (!notDynamic.isEmpty()) {
            return new Outcome.Refused(Reason.INVALID_REQUEST, "Cannot update these configs dynamically: "
                    + notDynamic + " (they are read at start-up: set them in the broker's properties and restart it)");
        }
        try {
            if (clusterDefault) {
                now.withDynamic(after, now.dynamicBroker());
            } else {
                now.withDynamic(now.dynamicDefault(), after);
            }
        } catch (ConfigException e) {
            return new Outcome.Refused(Reason.INVALID_CONFIG, String.join("; ", e.problems()));
        }
        if (validateOnly) {
            return new Outcome.Done(after);
        }
        if (store == null) {
            return new Outcome.Refused(Reason.INVALID_REQUEST, "this broker keeps no dynamic configuration");
        }
        try {
            store.setConfig(clusterDefault ? ConfigEntity.brokerDefault() : ConfigEntity.broker(staticConfig.nodeId()), after);
            reload();
        } catch (ClusterStoreException e) {
            return new Outcome.Refused(Reason.STORE_FAILED, "the cluster metadata store failed (the change may or may "
                    + "not be written): " + e.getMessage());
        }
        return new Outcome.Done(after);
    }

    private static boolean changed(String key, Map<String, String> after, Map<String, String> before) {
        return !Objects.equals(after.get(key), before.get(key));
    }

    private static boolean isDynamic(String key) {
        return BrokerConfigDef.DEF.key(key).map(ConfigKey::dynamic).orElse(false);
    }

    /** Added or changed keys that no broker or plugin defines, each with the closest known names. */
    private static String unknownKeys(Map<String, String> after, Map<String, String> before) {
        Set<String> known = new TreeSet<>();
        BrokerConfigDef.DEF.keys().forEach(k -> known.add(k.name()));
        PluginSettings.installed().keys().forEach(k -> known.add(k.name()));
        List<String> problems = new ArrayList<>();
        for (String key : after.keySet()) {
            if (changed(key, after, before) && !known.contains(key)) {
                problems.add(ConfigNames.unknownKey(key, known));
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /**
     * Re-reads both entities' overrides from the store and takes them in. Entries this broker cannot
     * apply (not dynamic, unknown, invalid: written by another tool or version) are skipped with a
     * warning, as Kafka's brokers skip them.
     */
    public synchronized void reload() {
        if (store == null) {
            return;
        }
        Map<String, String> clusterDefault = applicable("the cluster default", store.config(ConfigEntity.brokerDefault()));
        Map<String, String> own = applicable("broker " + staticConfig.nodeId(),
                store.config(ConfigEntity.broker(staticConfig.nodeId())));
        BrokerConfig before = current;
        if (clusterDefault.equals(before.dynamicDefault()) && own.equals(before.dynamicBroker())) {
            return;
        }
        BrokerConfig next;
        try {
            next = staticConfig.withDynamic(clusterDefault, own);
        } catch (ConfigException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring the dynamic broker configs in the cluster metadata store: "
                    + String.join("; ", e.problems()));
            return;
        }
        current = next;
        LOG.log(System.Logger.Level.INFO, "dynamic broker configs now: cluster default " + clusterDefault
                + ", broker " + staticConfig.nodeId() + " " + own);
        for (Consumer<BrokerConfig> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "applying dynamic broker configs failed", e);
            }
        }
    }

    private static Map<String, String> applicable(String whose, Map<String, String> stored) {
        Map<String, String> valid = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        stored.forEach((k, v) -> {
            boolean ok = isDynamic(k) && BrokerConfigDef.DEF.key(k).map(key -> key.isValid(v)).orElse(false);
            if (ok) {
                valid.put(k, v);
            } else {
                skipped.add(k + "=" + v);
            }
        });
        if (!skipped.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "ignoring dynamic configs of " + whose
                    + " that this broker cannot change at run time or finds invalid: " + skipped);
        }
        return valid;
    }

    @Override
    public void configChanged(ConfigEntity entity) {
        if (entity.type() == ConfigEntity.Type.BROKER && (entity.name().equals(ConfigEntity.BROKER_DEFAULT)
                || entity.name().equals(Integer.toString(staticConfig.nodeId())))) {
            reloadQuietly();
        }
    }

    @Override
    public void sessionEstablished() {
        reloadQuietly(); // changes while this broker had no session raised no event here
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (ClusterStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "reading dynamic broker configs from the cluster metadata store failed", e);
        }
    }
}
