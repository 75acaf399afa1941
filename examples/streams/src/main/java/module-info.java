/** Runnable Sluice Streams examples (see examples/streams/run.sh). */
module dev.sluice.examples.streams {
    requires dev.sluice.streams;

    // the JSON serde reads and creates the example records reflectively
    opens dev.sluice.examples.streams to dev.sluice.streams;
}
