/**
 * An example of a Sluice plugin built outside the core: a {@code first-byte} partitioner, an
 * {@code example-rle} compression codec and a {@code scratch-only} authorizer. Each is announced twice:
 * {@code provides} below for the module path, and a {@code META-INF/services} file for the class path.
 */
module dev.sluice.example.plugin {
    requires dev.sluice.api;

    provides dev.sluice.api.partition.Partitioner with dev.sluice.example.plugin.FirstBytePartitioner;
    provides dev.sluice.api.compression.CompressionCodec with dev.sluice.example.plugin.ExampleRleCodec;
    provides dev.sluice.api.security.Authorizer with dev.sluice.example.plugin.ScratchOnlyAuthorizer;
}
