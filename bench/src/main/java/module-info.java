/**
 * JMH benchmarks. Compiled as a module like the rest of Sluice, but run from the shaded
 * {@code target/benchmarks.jar} on the class path: JMH forks its measurement JVMs with a
 * class path, not a module path.
 */
module dev.sluice.bench {
    requires dev.sluice.api;
    requires jmh.core;
    requires dev.sluice.broker; // the metrics benchmark
    requires dev.sluice.client;

    uses dev.sluice.api.storage.LogStorageProvider;
}
