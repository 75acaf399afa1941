package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kafka-clients' Admin: the ACL APIs without an authorizer, and the finalized features. */
class SecurityAndFeaturesAdminTest {
    @TempDir
    static Path dir;
    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of());
        admin = KafkaClients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyAclApiAnswersSecurityDisabledAsKafkaWithoutAnAuthorizer() {
        assertThatThrownBy(() -> admin.describeAcls(AclBindingFilter.ANY).values().get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SecurityDisabledException.class)
                .hasMessageContaining("No Authorizer is configured");
        AclBinding binding = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "t", PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));
        assertThatThrownBy(() -> admin.createAcls(List.of(binding)).all().get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(SecurityDisabledException.class);
        assertThatThrownBy(() -> admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(SecurityDisabledException.class);
    }

    @Test
    void metadataVersionIsFinalizedAndTransactionVersionIsNotAdvertised() throws Exception {
        FeatureMetadata features = admin.describeFeatures().featureMetadata().get(20, TimeUnit.SECONDS);
        assertThat(features.finalizedFeatures()).containsOnlyKeys("metadata.version");
        assertThat(features.finalizedFeatures().get("metadata.version").maxVersionLevel()).isEqualTo((short) 27);
        assertThat(features.finalizedFeatures().get("metadata.version").minVersionLevel()).isEqualTo((short) 27);
        assertThat(features.supportedFeatures().get("metadata.version").maxVersion()).isEqualTo((short) 27);
        assertThat(features.finalizedFeaturesEpoch()).hasValue(0L);
    }

    @Test
    void updateFeaturesKeepsTheLevelInEffectAndRefusesAnyOtherWithTheReason() throws Exception {
        admin.updateFeatures(Map.of("metadata.version", new FeatureUpdate((short) 27, FeatureUpdate.UpgradeType.UPGRADE)),
                new UpdateFeaturesOptions()).all().get(20, TimeUnit.SECONDS);
        assertThatThrownBy(() -> admin.updateFeatures(Map.of("metadata.version",
                        new FeatureUpdate((short) 28, FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions())
                .all().get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(InvalidUpdateVersionException.class)
                .hasMessageContaining("Sluice cannot change metadata.version: it runs at level 27 (4.1-IV1)");
        assertThatThrownBy(() -> admin.updateFeatures(Map.of("transaction.version",
                        new FeatureUpdate((short) 2, FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions())
                .all().get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(InvalidUpdateVersionException.class)
                .hasMessageContaining("does not implement the feature transaction.version");
    }
}
