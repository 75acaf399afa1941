package dev.sluice.broker.it;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * A broker in a child JVM, for crash tests: starts on the data directory given, prints
 * {@code bootstrap host:port}, and runs until the parent kills it (with SIGKILL: no shutdown).
 */
public final class BrokerProcess {
    private BrokerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>(GroupTestSupport.FAST_GROUPS);
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", args[0]);
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        Broker broker = Broker.start(BrokerConfig.of(settings));
        System.out.println("bootstrap " + broker.bootstrapServers());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
