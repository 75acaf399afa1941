/** Abstract JUnit tests every {@code LogStorage} implementation must pass. */
module dev.sluice.storage.testkit {
    requires transitive dev.sluice.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
}
