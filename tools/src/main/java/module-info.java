/** The {@code sluice} command: server, and (as they land) topics, console producer/consumer, perf tools. */
module dev.sluice.tools {
    requires dev.sluice.broker;
    requires java.logging;
}
