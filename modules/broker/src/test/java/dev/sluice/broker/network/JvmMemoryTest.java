package dev.sluice.broker.network;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JvmMemoryTest {
    @Test
    void readsTheLastMaxDirectMemorySizeFlagInHotSpotSyntax() {
        assertThat(JvmMemory.directMemoryFlag(List.of("-Xmx1g", "-XX:MaxDirectMemorySize=512m"))).isEqualTo(512L << 20);
        assertThat(JvmMemory.directMemoryFlag(List.of("-XX:MaxDirectMemorySize=1G", "-XX:MaxDirectMemorySize=2048k")))
                .isEqualTo(2048L << 10);
        assertThat(JvmMemory.directMemoryFlag(List.of("-XX:MaxDirectMemorySize=100"))).isEqualTo(100);
        assertThat(JvmMemory.directMemoryFlag(List.of("-Xmx1g"))).isEqualTo(-1);
        assertThat(JvmMemory.directMemoryFlag(List.of("-XX:MaxDirectMemorySize=lots"))).isEqualTo(-1);
        assertThat(JvmMemory.maxDirectMemory()).isPositive();
    }
}
