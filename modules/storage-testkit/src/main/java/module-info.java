/**
 * Abstract JUnit tests every {@code LogStorage} implementation must pass, and a failing disk to
 * run storage on ({@code dev.sluice.storage.testkit.fault}).
 */
module dev.sluice.storage.testkit {
    requires transitive dev.sluice.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires transitive org.assertj.core;

    exports dev.sluice.storage.testkit;
    exports dev.sluice.storage.testkit.fault;
}
