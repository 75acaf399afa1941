package dev.sluice.broker.security.sasl;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.broker.quota.ClientQuotas;
import dev.sluice.broker.quota.QuotaEntity;
import dev.sluice.broker.quota.QuotaType;
import dev.sluice.protocol.sasl.ScramMechanism;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's SCRAM credentials and its client quotas live in one config entity ({@code /config/users/<user>}),
 * written by two owners: a credential change and a quota change of the same user at the same moment must
 * both survive (each rewrote the whole entity, and one could be lost).
 */
class UserEntityWritersTest {
    @Test
    void concurrentScramAndQuotaChangesOfOneUserAreBothKept() throws Exception {
        try (ClusterMetadataStore store = InProcessMetadataStore.standalone()) {
            ScramCredentialStore credentials = ScramCredentialStore.load(store);
            ClientQuotas quotas = ClientQuotas.load(store);
            QuotaEntity alice = new QuotaEntity("alice", null);
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService writers = Executors.newFixedThreadPool(2);
            try {
                for (int round = 1; round <= 200; round++) {
                    int r = round;
                    ScramCredential credential = new ScramCredential(new byte[16], new byte[32], new byte[32], 4096 + r);
                    Future<?> scram = writers.submit(() -> {
                        together.await();
                        credentials.alter("alice", Map.of(ScramMechanism.SCRAM_SHA_256, credential));
                        return null;
                    });
                    Future<?> quota = writers.submit(() -> {
                        together.await();
                        quotas.alter(alice, Map.of(QuotaType.PRODUCE, (double) r));
                        return null;
                    });
                    scram.get(10, TimeUnit.SECONDS);
                    quota.get(10, TimeUnit.SECONDS);
                    assertThat(credentials.credential("alice", ScramMechanism.SCRAM_SHA_256).iterations())
                            .as("round %d: the credential", r).isEqualTo(4096 + r);
                    assertThat(quotas.current().quotas().get(alice)).as("round %d: the quota", r)
                            .containsEntry(QuotaType.PRODUCE, (double) r);
                }
            } finally {
                writers.shutdownNow();
            }
        }
    }
}
