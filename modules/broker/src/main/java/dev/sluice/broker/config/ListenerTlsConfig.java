package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.broker.network.ListenerSecurity;
import dev.sluice.broker.network.SslPrincipalMapper;
import dev.sluice.protocol.tls.TlsSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS listeners' settings with Kafka's per-listener overrides: {@code listener.name.<listener>.ssl.*}
 * (any {@code ssl.*} setting, {@code ssl.principal.mapping.rules} included) wins over the same {@code ssl.*}
 * setting for that listener alone, key by key, as Kafka's {@code valuesWithPrefixOverride}; the rest of the
 * listener's settings are the broker-wide ones. A TLS listener needs a keystore from either. Stateless.
 */
final class ListenerTlsConfig {
    private static final String MAPPING_RULES = "ssl.principal.mapping.rules";
    private static final Pattern LISTENER_KEY = Pattern.compile("listener\\.name\\.([a-z0-9_]+)\\.(ssl\\..+)");
    /** The settings a listener may override: every {@code ssl.*} of a TLS server and the mapping rules. */
    private static final ConfigDef TLS = ConfigDef.of(keys());

    private ListenerTlsConfig() {
    }

    private static List<ConfigKey> keys() {
        List<ConfigKey> keys = new ArrayList<>(TlsSettings.keys(true));
        keys.add(BrokerConfigDef.DEF.key(MAPPING_RULES).orElseThrow());
        return keys;
    }

    /** True for a per-listener TLS key ({@code listener.name.<l>.ssl.*}), so the broker's config takes it. */
    static boolean isListenerKey(String key) {
        return LISTENER_KEY.matcher(key).matches();
    }

    /**
     * The TLS of every listener: the broker-wide settings, and those of listeners with overrides.
     *
     * @param values    the broker's parsed settings (the broker-wide {@code ssl.*})
     * @param raw       every setting as text (the {@code listener.name.<l>.ssl.*} keys)
     * @param listeners the listeners
     */
    static ListenerSecurity parse(ConfigValues values, Map<String, String> raw, List<Endpoint> listeners, Problems problems) {
        Map<String, Endpoint> byLowerName = new HashMap<>();
        listeners.forEach(l -> byLowerName.put(l.listenerName().toLowerCase(Locale.ROOT), l));
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            Matcher m = LISTENER_KEY.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            Endpoint listener = byLowerName.get(m.group(1));
            if (listener == null || !listener.securityProtocol().usesTls()) {
                problems.problem(e.getKey() + ": listener " + m.group(1).toUpperCase(Locale.ROOT) + " is not a TLS listener "
                        + "(its security protocol must be SSL or SASL_SSL)");
            } else if (!TLS.contains(m.group(2))) {
                problems.problem(e.getKey() + ": " + m.group(2) + " is not an ssl.* setting a listener can override "
                        + TLS.keys().stream().map(ConfigKey::name).toList());
            } else {
                overrides.computeIfAbsent(listener.listenerName(), n -> new HashMap<>()).put(m.group(2), e.getValue());
            }
        }
        ListenerSecurity.ListenerTls defaults = new ListenerSecurity.ListenerTls(
                listeners.stream().anyMatch(l -> l.securityProtocol().usesTls()) ? TlsSettings.from(values) : null,
                mapper(values.getString(MAPPING_RULES), MAPPING_RULES, problems));
        Map<String, ListenerSecurity.ListenerTls> perListener = new LinkedHashMap<>();
        Set<String> broken = new HashSet<>(); // their problems are reported: no second one for the keystore
        overrides.forEach((name, own) -> {
            Map<String, String> merged = new HashMap<>();
            TLS.keys().forEach(k -> {
                if (raw.containsKey(k.name())) {
                    merged.put(k.name(), raw.get(k.name()));
                }
            });
            merged.putAll(own);
            String prefix = "listener.name." + name.toLowerCase(Locale.ROOT) + ".";
            List<String> found = new ArrayList<>();
            ConfigValues v = TLS.parse(merged, found);
            found.forEach(p -> problems.problem(prefix + "ssl.* (listener " + name + "): " + p));
            if (found.isEmpty()) {
                perListener.put(name, new ListenerSecurity.ListenerTls(TlsSettings.from(v),
                        mapper(v.getString(MAPPING_RULES), prefix + MAPPING_RULES, problems)));
            } else {
                broken.add(name);
            }
        });
        ListenerSecurity security = new ListenerSecurity(defaults, perListener);
        for (Endpoint l : listeners) {
            TlsSettings tls = security.of(l.listenerName()).settings();
            if (l.securityProtocol().usesTls() && !broken.contains(l.listenerName())
                    && (tls == null || tls.keystoreLocation() == null)) {
                problems.problem("ssl.keystore.location (or listener.name." + l.listenerName().toLowerCase(Locale.ROOT)
                        + ".ssl.keystore.location) is required for the TLS listener " + l.listenerName()
                        + ": the broker's key and certificate");
            }
        }
        return security;
    }

    private static SslPrincipalMapper mapper(String rules, String key, Problems problems) {
        try {
            return SslPrincipalMapper.parse(rules);
        } catch (IllegalArgumentException e) {
            problems.problem(key, rules, e.getMessage());
            return SslPrincipalMapper.DEFAULT;
        }
    }
}
