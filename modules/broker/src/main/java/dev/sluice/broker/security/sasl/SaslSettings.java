package dev.sluice.broker.security.sasl;

import dev.sluice.protocol.sasl.JaasConfig;
import dev.sluice.protocol.sasl.SaslClientSettings;
import dev.sluice.protocol.sasl.ScramMechanism;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The broker's SASL settings, with Kafka's names: {@code sasl.enabled.mechanisms} (per listener
 * {@code listener.name.<listener>.sasl.enabled.mechanisms}), the JAAS text of each listener and
 * mechanism {@code listener.name.<listener>.<mechanism>.sasl.jaas.config} (PLAIN: a PlainLoginModule
 * whose {@code user_<name>="<password>"} options are the users; either: {@code username}/{@code password}
 * are what this broker logs in with to other brokers), {@code sasl.mechanism.inter.broker.protocol},
 * {@code connections.max.reauth.ms} (KIP-152; per listener too) and
 * {@code connection.failed.authentication.delay.ms}. Immutable; any thread.
 *
 * @param listeners             the SASL listeners by (upper-case) name
 * @param interBrokerMechanism  the mechanism this broker logs in with to other brokers
 * @param failedAuthDelayMs     how long a failed login waits before its answer
 */
public record SaslSettings(Map<String, ListenerSasl> listeners, String interBrokerMechanism, int failedAuthDelayMs) {

    /** Mechanisms Sluice's broker speaks. */
    public static final List<String> SUPPORTED = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    /** Per-listener keys this class reads ({@code listener.name.<l>.<mechanism>.sasl.jaas.config} and the two overrides). */
    private static final Pattern LISTENER_KEY = Pattern.compile(
            "listener\\.name\\.([a-z0-9_]+)\\.(?:([a-z0-9-]+)\\.sasl\\.jaas\\.config|sasl\\.enabled\\.mechanisms|connections\\.max\\.reauth\\.ms)");

    public static final SaslSettings NONE = new SaslSettings(Map.of(), "PLAIN", 100);

    /**
     * One SASL listener's login rules.
     *
     * @param mechanisms enabled mechanisms, in the order SaslHandshake lists them
     * @param plainUsers PLAIN's users (name to password), empty without PLAIN
     * @param logins     per mechanism, the JAAS username/password this broker uses on this listener, if given
     * @param reauthMs   KIP-152 session lifetime (0: sessions never expire)
     */
    public record ListenerSasl(List<String> mechanisms, Map<String, String> plainUsers,
                               Map<String, SaslClientSettings> logins, long reauthMs) {
        public ListenerSasl {
            mechanisms = List.copyOf(mechanisms);
            plainUsers = Map.copyOf(plainUsers);
            logins = Map.copyOf(logins);
        }

        @Override
        public String toString() { // never the passwords
            return "ListenerSasl[" + mechanisms + ", " + plainUsers.size() + " PLAIN users, reauth " + reauthMs + " ms]";
        }
    }

    public SaslSettings {
        listeners = Map.copyOf(listeners);
    }

    /** True for a per-listener key this class reads, so the broker's config accepts it. */
    public static boolean isListenerKey(String key) {
        return LISTENER_KEY.matcher(key).matches();
    }

    /** The rules of listener {@code name}, empty if it is not a SASL listener. */
    public Optional<ListenerSasl> listener(String name) {
        return Optional.ofNullable(listeners.get(name));
    }

    /**
     * The login this broker uses towards another broker's {@code listener}: the inter-broker mechanism
     * and the username/password of that listener's JAAS text for it.
     */
    public Optional<SaslClientSettings> interBrokerLogin(String listener) {
        ListenerSasl sasl = listeners.get(listener);
        return sasl == null ? Optional.empty() : Optional.ofNullable(sasl.logins().get(interBrokerMechanism));
    }

    /**
     * Reads the settings of every SASL listener.
     *
     * @param raw           every setting as text (static, as given)
     * @param saslListeners the names of listeners whose security protocol is SASL_PLAINTEXT or SASL_SSL
     * @param interBroker   the inter-broker listener's name, null if none (a single node)
     * @param problems      where every problem goes, one line each
     */
    public static SaslSettings parse(Map<String, String> raw, Set<String> saslListeners, String interBroker,
                                     List<String> problems) {
        List<String> globalMechanisms = list(raw.getOrDefault("sasl.enabled.mechanisms", "GSSAPI"));
        long globalReauth = longValue(raw, "connections.max.reauth.ms", 0L, problems);
        for (String key : raw.keySet()) {
            Matcher m = LISTENER_KEY.matcher(key);
            if (m.matches() && !saslListeners.contains(m.group(1).toUpperCase(Locale.ROOT))) {
                problems.add(key + ": listener " + m.group(1).toUpperCase(Locale.ROOT) + " is not a SASL listener "
                        + "(its security protocol must be SASL_PLAINTEXT or SASL_SSL)");
            }
        }
        Map<String, ListenerSasl> listeners = new LinkedHashMap<>();
        for (String listener : saslListeners) {
            String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
            List<String> mechanisms = raw.containsKey(prefix + "sasl.enabled.mechanisms")
                    ? list(raw.get(prefix + "sasl.enabled.mechanisms")) : globalMechanisms;
            long reauth = raw.containsKey(prefix + "connections.max.reauth.ms")
                    ? longValue(raw, prefix + "connections.max.reauth.ms", 0L, problems) : globalReauth;
            if (mechanisms.isEmpty()) {
                problems.add("sasl.enabled.mechanisms: listener " + listener + " needs at least one of " + SUPPORTED);
            }
            Map<String, String> plainUsers = new LinkedHashMap<>();
            Map<String, SaslClientSettings> logins = new LinkedHashMap<>();
            for (String mechanism : mechanisms) {
                if (!SUPPORTED.contains(mechanism)) {
                    problems.add("sasl.enabled.mechanisms: " + mechanism + " (listener " + listener + ") is not supported by "
                            + "Sluice; use " + SUPPORTED + (raw.containsKey("sasl.enabled.mechanisms") ? ""
                            : " (Kafka's default is GSSAPI: set sasl.enabled.mechanisms)"));
                    continue;
                }
                String jaasKey = prefix + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config";
                String jaasText = raw.get(jaasKey);
                if (jaasText == null) {
                    if (mechanism.equals("PLAIN")) {
                        problems.add(jaasKey + " must be set for PLAIN on listener " + listener + ": "
                                + JaasConfig.PLAIN_LOGIN_MODULE + " required user_alice=\"alice-secret\";");
                    }
                    continue;
                }
                JaasConfig jaas;
                try {
                    jaas = JaasConfig.parse(jaasText);
                } catch (IllegalArgumentException e) {
                    problems.add(jaasKey + ": " + e.getMessage());
                    continue;
                }
                String expected = mechanism.equals("PLAIN") ? JaasConfig.PLAIN_LOGIN_MODULE : JaasConfig.SCRAM_LOGIN_MODULE;
                if (!jaas.loginModule().equals(expected)) {
                    problems.add(jaasKey + ": " + mechanism + " needs " + expected + " (got " + jaas.loginModule() + ")");
                    continue;
                }
                if (mechanism.equals("PLAIN")) {
                    jaas.options().forEach((k, v) -> {
                        if (k.startsWith("user_") && k.length() > 5) {
                            plainUsers.put(k.substring(5), v);
                        }
                    });
                }
                if (jaas.option("username") != null && jaas.option("password") != null) {
                    logins.put(mechanism, new SaslClientSettings(mechanism, jaas.option("username"), jaas.option("password")));
                }
            }
            listeners.put(listener, new ListenerSasl(mechanisms.stream().filter(SUPPORTED::contains).toList(),
                    plainUsers, logins, reauth));
        }
        String interBrokerMechanism = raw.getOrDefault("sasl.mechanism.inter.broker.protocol", "GSSAPI");
        if (interBroker != null && listeners.containsKey(interBroker)) {
            ListenerSasl sasl = listeners.get(interBroker);
            if (!sasl.mechanisms().contains(interBrokerMechanism)) {
                problems.add("sasl.mechanism.inter.broker.protocol: " + interBrokerMechanism + " must be one of the mechanisms "
                        + "enabled on the inter-broker listener " + interBroker + " " + sasl.mechanisms());
            } else if (!sasl.logins().containsKey(interBrokerMechanism)) {
                problems.add("listener.name." + interBroker.toLowerCase(Locale.ROOT) + "."
                        + interBrokerMechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config needs username=\"...\" and "
                        + "password=\"...\": this broker logs in with them to the other brokers");
            }
        }
        int delay = (int) longValue(raw, "connection.failed.authentication.delay.ms", 100L, problems);
        return new SaslSettings(listeners, interBrokerMechanism, delay);
    }

    /** Scram mechanisms are looked up by name where credentials are stored. */
    static ScramMechanism scram(String mechanism) {
        return ScramMechanism.forName(mechanism);
    }

    private static List<String> list(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim().toUpperCase(Locale.ROOT));
            }
        }
        return items;
    }

    private static long longValue(Map<String, String> raw, String key, long defaultValue, List<String> problems) {
        String text = raw.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0) {
                problems.add(key + "=" + text + ": must be at least 0");
            }
            return Math.max(v, 0);
        } catch (NumberFormatException e) {
            problems.add(key + "=" + text + ": not a number");
            return defaultValue;
        }
    }
}
