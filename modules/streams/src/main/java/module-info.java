/**
 * Sluice Streams: an application reads topics, transforms, aggregates and joins, and writes topics,
 * scaled out by running more instances with the same {@code application.id}. Built on Sluice's own
 * client: instances form a consumer group and share the tasks, state stores (in memory or on LMDB)
 * are backed by changelog topics, and {@code processing.guarantee=exactly_once} runs each commit as
 * one client transaction.
 */
module dev.sluice.streams {
    requires transitive dev.sluice.client;
    requires lmdbjava;
    requires dev.sluice.storage.lmdb; // its LMDB environment carries the LMDB state stores

    exports dev.sluice.streams;
    exports dev.sluice.streams.serde;
    exports dev.sluice.streams.processor;
    exports dev.sluice.streams.kstream;
    exports dev.sluice.streams.state;
    exports dev.sluice.streams.test;

    uses dev.sluice.streams.serde.SerdeProvider;

    // the extra serdes are found the way a third party's are: through ServiceLoader
    provides dev.sluice.streams.serde.SerdeProvider with
            dev.sluice.streams.serde.ExtraSerdes.DoubleSerde,
            dev.sluice.streams.serde.ExtraSerdes.UuidSerde;
}
