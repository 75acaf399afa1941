package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigNames;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.protocol.tls.TlsSettings;
import dev.sluice.broker.network.SocketServerConfig;
import dev.sluice.broker.security.sasl.SaslSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's settings, typed: parsed from raw text against the definitions in
 * {@link BrokerConfigDef} (Kafka's names and defaults where the meaning is Kafka's) and the
 * settings installed plugins declare ({@link PluginSettings}), from a properties file plus
 * command-line overrides ({@link ConfigSources}) and the dynamic overrides in effect
 * ({@link DynamicBrokerConfig}). Every problem (unknown key, with the closest known names; bad value)
 * is reported at once in a {@link ConfigException}. How DescribeConfigs reports the settings is
 * {@link BrokerConfigDescription}'s. Immutable; any thread.
 *
 * <p>The getters come by concern: listeners and their security ({@link BrokerListenerConfig}, parsed and
 * checked here), topics and logs ({@link BrokerLogConfig}), the cluster and replication
 * ({@link BrokerClusterConfig}), groups and committed offsets ({@link BrokerGroupConfig}).
 *
 * <p>Choices of our own: a listener bound to a wildcard host (empty, {@code 0.0.0.0}, {@code ::})
 * is advertised as {@code localhost} unless {@code advertised.listeners} says otherwise; an
 * advertised port 0 means "the port the listener bound" ({@link #advertisedListeners(List)}).
 * A plugin's settings are accepted only if an installed plugin declares them. Well-known Kafka keys that mean nothing here
 * ({@link KafkaBrokerKeys}) are accepted and listed in {@link #ignoredKeys()} so the broker can
 * warn; security settings are refused.
 */
public final class BrokerConfig implements BrokerLogConfig, BrokerClusterConfig, BrokerGroupConfig {

    private final Map<String, String> originals;
    /** Dynamic overrides (AlterConfigs on the BROKER resource), kept in the cluster metadata store. */
    private final Map<String, String> dynamicDefault;
    private final Map<String, String> dynamicBroker;
    private final ConfigValues values;
    private final ConfigValues pluginValues;
    private final Set<String> ignoredKeys;
    private final BrokerListenerConfig listeners;

    private BrokerConfig(Map<String, String> raw) {
        this(raw, Map.of(), Map.of());
    }

    /**
     * @param staticRaw      the static settings (properties file and command line)
     * @param dynamicDefault the cluster-wide dynamic overrides ({@code /config/brokers/<default>})
     * @param dynamicBroker  this broker's dynamic overrides ({@code /config/brokers/<id>}); Kafka's
     *                       precedence: per broker over cluster default over static
     */
    private BrokerConfig(Map<String, String> staticRaw, Map<String, String> dynamicDefault, Map<String, String> dynamicBroker) {
        List<String> list = new ArrayList<>();
        Problems problems = new Problems(list);
        originals = Map.copyOf(staticRaw);
        this.dynamicDefault = Map.copyOf(dynamicDefault);
        this.dynamicBroker = Map.copyOf(dynamicBroker);
        Map<String, String> raw = new LinkedHashMap<>(staticRaw);
        raw.putAll(dynamicDefault);
        raw.putAll(dynamicBroker);
        values = BrokerConfigDef.DEF.parse(raw, list);
        ConfigDef plugins = PluginSettings.installed(list);
        pluginValues = plugins.parse(raw, list);
        listeners = BrokerListenerConfig.parse(values, raw, zookeeperConnect().isPresent(), problems);
        checkAcrossKeys(problems);

        // a defined setting wins over the list of Kafka keys without effect (e.g. once one is implemented)
        ignoredKeys = Set.copyOf(raw.keySet().stream()
                .filter(k -> KafkaBrokerKeys.NOT_APPLICABLE.contains(k) && !BrokerConfigDef.DEF.contains(k)).toList());
        Set<String> known = new TreeSet<>(KafkaBrokerKeys.NOT_APPLICABLE);
        BrokerConfigDef.DEF.keys().forEach(k -> known.add(k.name()));
        plugins.keys().forEach(k -> known.add(k.name()));
        for (String key : new TreeSet<>(raw.keySet())) {
            if (known.contains(key) || SaslSettings.isListenerKey(key) || ListenerTlsConfig.isListenerKey(key)) {
                continue;
            }
            String security = KafkaBrokerKeys.securityProblem(key);
            list.add(security != null ? security : ConfigNames.unknownKey(key, known));
        }
        if (!list.isEmpty()) {
            throw new ConfigException(list);
        }
    }

    /** The rules between settings of different groups, beyond each value's own. */
    private void checkAcrossKeys(Problems problems) {
        if (logDirs().isEmpty()) {
            problems.problem("log.dirs", "", "at least one directory");
        }
        if (groupMaxSessionTimeoutMs() < groupMinSessionTimeoutMs()) {
            problems.problem("group.max.session.timeout.ms", Integer.toString(groupMaxSessionTimeoutMs()),
                    "at least group.min.session.timeout.ms (" + groupMinSessionTimeoutMs() + ")");
        }
        if (values.getInt("replica.socket.timeout.ms") < values.getInt("replica.fetch.wait.max.ms")) {
            // as Kafka: a follower's fetch parked at the leader for up to the wait must not time out first
            problems.problem("replica.socket.timeout.ms", Integer.toString(values.getInt("replica.socket.timeout.ms")),
                    "at least replica.fetch.wait.max.ms (" + values.getInt("replica.fetch.wait.max.ms") + ")");
        }
        if (zookeeperConnect().isPresent() && !"log".equals(offsetsStore())) {
            // a group's coordinator moves with the leadership of its partition of __consumer_offsets
            problems.problem("offsets.store=" + offsetsStore() + " keeps committed offsets on this broker only, but in a "
                    + "cluster (zookeeper.connect is set) a group's coordinator moves between brokers with the leadership "
                    + "of its __consumer_offsets partition, so another broker would not see the group's offsets: "
                    + "set offsets.store=log (the default) or remove zookeeper.connect");
        }
    }

    // ---- construction ----

    /** From raw settings (Kafka names). */
    public static BrokerConfig of(Map<String, String> settings) {
        return new BrokerConfig(settings);
    }

    /** From a properties file alone. */
    public static BrokerConfig load(Path propertiesFile) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = ConfigSources.load(propertiesFile, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new BrokerConfig(values);
    }

    /**
     * From the command line: {@code [server.properties] [--override key=value | key=value]...};
     * overrides win over the file.
     */
    public static BrokerConfig fromArgs(String... args) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = ConfigSources.fromArgs(Arrays.asList(args), problems);
        BrokerConfig config = null;
        try {
            config = new BrokerConfig(values);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /**
     * This configuration with dynamic overrides in place of the current ones (Kafka's merge: the
     * static settings, overridden by the cluster default, overridden by the broker's own). Only
     * dynamic settings belong there; the caller checks that.
     *
     * @throws ConfigException if a value is invalid, alone or with the others
     */
    public BrokerConfig withDynamic(Map<String, String> clusterDefault, Map<String, String> perBroker) {
        return new BrokerConfig(originals, clusterDefault, perBroker);
    }

    /** The cluster-wide dynamic overrides in effect. */
    public Map<String, String> dynamicDefault() {
        return dynamicDefault;
    }

    /** This broker's own dynamic overrides in effect. */
    public Map<String, String> dynamicBroker() {
        return dynamicBroker;
    }

    // ---- derived configurations ----

    /** The network server's settings over the listeners; null without a listener (a problem already reported). */
    public SocketServerConfig socketServerConfig() {
        return listeners.socketServer();
    }

    /**
     * The {@code ssl.*} settings this broker uses as a client of the other brokers (replica fetchers,
     * controller channels, transaction markers) when the inter-broker listener is a TLS one: that listener's,
     * with its {@code listener.name.<l>.ssl.*} overrides, as Kafka.
     */
    public TlsSettings interBrokerTls() {
        SocketServerConfig server = listeners.socketServer();
        TlsSettings own = server == null ? null : server.security().of(interBrokerListener()).settings();
        return own != null ? own : TlsSettings.from(values);
    }

    /** Advertised listeners with port 0 replaced by the port the same-named listener actually bound. */
    public List<Endpoint> advertisedListeners(List<Endpoint> bound) {
        return listeners.advertisedListeners(bound);
    }

    // ---- the typed view ----

    /** Every setting as given, including ones only a plugin understands. */
    public Map<String, String> originals() {
        return originals;
    }

    /** The broker settings, parsed (given or default), for DescribeConfigs. */
    public ConfigValues values() {
        return values;
    }

    /** The installed plugins' declared settings, parsed. */
    public ConfigValues pluginValues() {
        return pluginValues;
    }

    /** Kafka keys that were set but have no effect here. */
    public Set<String> ignoredKeys() {
        return ignoredKeys;
    }

    /** The SASL listeners' login rules and the SASL settings. */
    public SaslSettings sasl() {
        return listeners.sasl();
    }

    public List<Endpoint> listeners() {
        return listeners.listeners();
    }

    public List<Endpoint> advertisedListeners() {
        return listeners.advertisedListeners();
    }

    /**
     * The listener other brokers reach this one on ({@code inter.broker.listener.name}, else the one named
     * after {@code security.inter.broker.protocol}, else the first advertised listener).
     */
    public String interBrokerListener() {
        return listeners.interBrokerListener();
    }

    /** The advertised endpoint of the inter-broker listener, with port 0 resolved against {@code bound}. */
    public Endpoint interBrokerEndpoint(List<Endpoint> bound) {
        return advertisedListeners(bound).stream().filter(e -> e.listenerName().equals(interBrokerListener()))
                .findFirst().orElseThrow();
    }
}
