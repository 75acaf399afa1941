import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.compression.gzip.GzipCodec;
import dev.sluice.compression.lz4.Lz4Codec;
import dev.sluice.compression.snappy.SnappyCodec;
import dev.sluice.compression.zstd.ZstdCodec;

/**
 * Compression codecs for Kafka's codec ids 1-4, byte-compatible with what Kafka clients write.
 * Nothing is exported: the codecs are reached through {@link dev.sluice.api.compression.CompressionCodecs}.
 */
module dev.sluice.compression {
    requires dev.sluice.api;
    requires org.lz4.java;
    // snappy-java 1.1.10.x has no Automatic-Module-Name: the name is derived from the jar file name
    requires snappy.java;
    requires com.github.luben.zstd_jni;

    provides CompressionCodec with GzipCodec, SnappyCodec, Lz4Codec, ZstdCodec;
}
