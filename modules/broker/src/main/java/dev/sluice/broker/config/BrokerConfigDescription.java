package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigValues;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The broker's settings as DescribeConfigs reports them (Kafka's {@code ConfigHelper}): each setting's
 * value in effect, its source, and its synonyms in Kafka's order — for this broker's resource
 * ({@link #describe()}), for the cluster default {@code ""} ({@link #describeDynamicDefault()}), and the
 * broker synonyms behind a topic setting ({@link #synonyms}, used by {@code TopicConfigDef.describe}).
 *
 * <p>A view over one immutable {@link BrokerConfig} (the settings in effect when it was taken); any thread.
 */
public final class BrokerConfigDescription {

    private final BrokerConfig config;

    private BrokerConfigDescription(BrokerConfig config) {
        this.config = config;
    }

    public static BrokerConfigDescription of(BrokerConfig config) {
        return new BrokerConfigDescription(config);
    }

    /**
     * Every broker setting and every installed plugin's, by name: the value in effect, else the
     * default (null for a setting without one, as Kafka: {@code log.retention.ms} unless set); the
     * source is the first synonym's. Synonyms as Kafka lists them ({@link #synonyms}). Dynamic
     * settings are not read-only.
     */
    public List<DescribedConfig> describe() {
        List<DescribedConfig> out = new ArrayList<>();
        for (ConfigValues v : List.of(config.values(), config.pluginValues())) {
            for (ConfigKey k : v.def().keys()) {
                List<DescribedConfig.Synonym> synonyms = synonyms(BrokerConfigDef.synonyms(k.name()), true);
                String value = v.isSet(k.name()) ? v.explicitlySet().get(k.name()) : k.defaultString();
                byte source = synonyms.isEmpty() ? DescribedConfig.Source.DEFAULT_CONFIG : synonyms.get(0).source();
                out.add(new DescribedConfig(k.name(), value, source, !k.dynamic(), k.type(), k.documentation(), synonyms));
            }
        }
        out.sort(Comparator.comparing(DescribedConfig::name));
        return out;
    }

    /**
     * The cluster-wide dynamic overrides as DescribeConfigs reports the default broker resource
     * ({@code ""}): only those, each with its synonyms except broker-level ones (Kafka's
     * {@code perBrokerConfig = false}).
     */
    public List<DescribedConfig> describeDynamicDefault() {
        List<DescribedConfig> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(config.dynamicDefault()).entrySet()) {
            BrokerConfigDef.DEF.key(e.getKey()).ifPresent(k -> out.add(new DescribedConfig(k.name(), e.getValue(),
                    DescribedConfig.Source.DYNAMIC_DEFAULT_BROKER_CONFIG, !k.dynamic(), k.type(), k.documentation(),
                    synonyms(BrokerConfigDef.synonyms(k.name()), false))));
        }
        return out;
    }

    /**
     * The settings among {@code names} (a synonym group, highest priority first) that could supply
     * a value, in Kafka's order ({@code ConfigHelper.configSynonyms}): this broker's dynamic ones,
     * the cluster default's, the static ones, then the defaults; each group in {@code names} order.
     *
     * @param perBroker false to leave this broker's dynamic overrides out (describing the cluster default)
     */
    public List<DescribedConfig.Synonym> synonyms(List<String> names, boolean perBroker) {
        List<DescribedConfig.Synonym> synonyms = new ArrayList<>();
        if (perBroker) {
            addSet(synonyms, names, config.dynamicBroker(), DescribedConfig.Source.DYNAMIC_BROKER_CONFIG);
        }
        addSet(synonyms, names, config.dynamicDefault(), DescribedConfig.Source.DYNAMIC_DEFAULT_BROKER_CONFIG);
        addSet(synonyms, names, config.originals(), DescribedConfig.Source.STATIC_BROKER_CONFIG);
        ConfigValues pluginValues = config.pluginValues();
        for (String n : names) {
            BrokerConfigDef.DEF.key(n).or(() -> pluginValues.def().key(n)).filter(d -> d.defaultValue() != null)
                    .ifPresent(d -> synonyms.add(new DescribedConfig.Synonym(n, d.defaultString(),
                            DescribedConfig.Source.DEFAULT_CONFIG)));
        }
        return synonyms;
    }

    private void addSet(List<DescribedConfig.Synonym> synonyms, List<String> names, Map<String, String> layer, byte source) {
        for (String n : names) {
            String text = layer.get(n);
            if (text != null && (BrokerConfigDef.DEF.contains(n) || config.pluginValues().def().contains(n))) {
                synonyms.add(new DescribedConfig.Synonym(n, text.trim(), source));
            }
        }
    }
}
