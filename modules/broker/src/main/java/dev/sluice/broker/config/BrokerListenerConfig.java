package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.broker.network.ListenerSecurity;
import dev.sluice.broker.network.SocketServerConfig;
import dev.sluice.broker.security.sasl.SaslSettings;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The broker's listeners and their security, parsed and cross-checked ({@link Listeners}' rules): the
 * listeners and the advertised ones with their security protocols, the inter-broker listener, TLS (each TLS
 * listener's {@code ssl.*} settings with its {@code listener.name.<l>.ssl.*} overrides: {@link ListenerTlsConfig}),
 * SASL, and the socket server's settings over them. Part of {@link BrokerConfig}; immutable, any thread.
 *
 * @param socketServer null when there is no listener (already reported as a problem)
 */
record BrokerListenerConfig(List<Endpoint> listeners, List<Endpoint> advertisedListeners, String interBrokerListener,
                            SocketServerConfig socketServer, SaslSettings sasl) {

    /**
     * Parses the listener settings of {@code values} ({@code raw} for the per-listener TLS and SASL keys), adding
     * every problem to {@code problems}; {@code clustered}: {@code zookeeper.connect} is set (a single node
     * never logs in to itself).
     */
    static BrokerListenerConfig parse(ConfigValues values, Map<String, String> raw, boolean clustered, Problems problems) {
        List<String> mapItems = values.getList("listener.security.protocol.map");
        Map<String, SecurityProtocol> protocols = Listeners.protocolMap(problems, mapItems == null ? List.of() : mapItems);
        List<String> listenerItems = values.getList("listeners");
        List<Endpoint> listeners = Listeners.parse(problems, "listeners", listenerItems == null ? List.of() : listenerItems,
                protocols);
        List<Endpoint> advertised = values.isSet("advertised.listeners")
                ? Listeners.parse(problems, "advertised.listeners", values.getList("advertised.listeners"), protocols)
                : Listeners.defaultAdvertised(listeners);
        Listeners.checkAdvertised(problems, advertised, listeners);
        String interBroker = Listeners.interBroker(problems, values.getString("inter.broker.listener.name"),
                values.getString("security.inter.broker.protocol"), values.isSet("security.inter.broker.protocol"), advertised);

        ListenerSecurity security = ListenerTlsConfig.parse(values, raw, listeners, problems);
        SocketServerConfig socketServer = listeners.isEmpty() ? null : socketServerConfig(values, listeners, security);
        SaslSettings sasl = SaslSettings.parse(raw, listeners.stream().filter(e -> e.securityProtocol().usesSasl())
                .map(Endpoint::listenerName).collect(Collectors.toCollection(LinkedHashSet::new)),
                clustered ? interBroker : null, problems.list());
        return new BrokerListenerConfig(listeners, advertised, interBroker, socketServer, sasl);
    }

    private static SocketServerConfig socketServerConfig(ConfigValues v, List<Endpoint> listeners, ListenerSecurity security) {
        return new SocketServerConfig(listeners, v.getInt("num.network.threads"), v.getInt("num.io.threads"),
                v.getInt("queued.max.requests"), v.getLong("queued.max.request.bytes"),
                v.getInt("max.inflight.requests.per.connection"), v.getInt("socket.request.max.bytes"),
                v.getLong("connections.max.idle.ms"), v.getInt("max.connections"), v.getInt("socket.send.buffer.bytes"),
                v.getInt("socket.receive.buffer.bytes"), v.getLong("network.shutdown.timeout.ms"),
                v.getLong("socket.request.receive.timeout.ms"), security);
    }

    /** Advertised listeners with port 0 replaced by the port the same-named listener actually bound. */
    List<Endpoint> advertisedListeners(List<Endpoint> bound) {
        return advertisedListeners.stream().map(a -> a.port() != 0 ? a : bound.stream()
                .filter(b -> b.listenerName().equals(a.listenerName())).findFirst()
                .map(b -> a.withPort(b.port())).orElse(a)).toList();
    }
}
