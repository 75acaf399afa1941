/**
 * The {@code sluice} command: {@code server} runs a broker; {@code topics}, {@code produce},
 * {@code consume}, {@code perf-produce}, {@code perf-consume}, {@code groups}, {@code configs} and {@code transactions} talk to one
 * through Sluice's own client.
 */
module dev.sluice.tools {
    requires dev.sluice.broker;
    requires dev.sluice.client;
    requires dev.sluice.connect; // sluice connect
    requires dev.sluice.coordination.zookeeper; // sluice zookeeper; the cluster metadata store on ZooKeeper (found by ServiceLoader)
    requires java.logging;
}
