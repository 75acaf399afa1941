package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.broker.config.BrokerConfigDescription;
import dev.sluice.broker.config.DescribedConfig;
import dev.sluice.broker.config.DynamicBrokerConfig;
import dev.sluice.broker.topic.TopicConfigDef;
import dev.sluice.broker.topic.TopicException;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs. Topic configs change through the
 * partition manager (in a cluster: the cluster metadata store); a BROKER resource ({@code ""}: the
 * cluster default, else this broker's id) changes its dynamic settings through
 * {@link dev.sluice.broker.config.DynamicBrokerConfig}.
 */
final class ConfigHandlers {
    static final byte TOPIC = 2;
    static final byte BROKER = 4;

    private static final byte SET = 0;
    private static final byte DELETE = 1;
    private static final byte APPEND = 2;
    private static final byte SUBTRACT = 3;

    private final BrokerState broker;

    ConfigHandlers(BrokerState broker) {
        this.broker = broker;
    }

    void describeConfigs(RequestContext ctx) {
        Struct request = ctx.body();
        boolean synonyms = request.getBool("IncludeSynonyms");
        boolean documentation = ctx.version() >= 3 && request.getBool("IncludeDocumentation");
        Struct response = ctx.newResponse();
        for (Struct resource : request.getArray("Resources")) {
            byte type = resource.getByte("ResourceType");
            String name = resource.getString("ResourceName");
            List<String> keys = resource.getList("ConfigurationKeys");
            Struct out = response.addStruct("Results").set("ResourceType", type).set("ResourceName", name)
                    .set("ErrorCode", Errors.NONE.code());
            Errors refused = refusal(ctx, AclOperation.DESCRIBE_CONFIGS, type, name);
            if (refused != null) {
                out.set("ErrorCode", refused.code()).set("ErrorMessage", refused.message());
                continue;
            }
            List<DescribedConfig> configs;
            if (type == TOPIC) {
                Optional<TopicMetadata> topic = broker.partitions().topics().get(name);
                if (topic.isEmpty()) {
                    out.set("ErrorCode", Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .set("ErrorMessage", "topic '" + name + "' does not exist");
                    continue;
                }
                configs = topicConfigs(broker, broker.partitions().describedOverrides(topic.get()));
            } else if (type == BROKER) {
                if (!name.isEmpty() && !name.equals(Integer.toString(broker.nodeId()))) {
                    out.set("ErrorCode", Errors.INVALID_REQUEST.code()).set("ErrorMessage", "Unexpected broker id, expected "
                            + broker.nodeId() + " or empty string, but received " + name);
                    continue;
                }
                // as Kafka: the default resource ("") lists the cluster-wide dynamic overrides only
                BrokerConfigDescription described = BrokerConfigDescription.of(broker.config());
                configs = name.isEmpty() ? described.describeDynamicDefault() : described.describe();
            } else {
                out.set("ErrorCode", Errors.INVALID_REQUEST.code())
                        .set("ErrorMessage", "resource type " + type + " is not supported (2 = topic, 4 = broker)");
                continue;
            }
            for (DescribedConfig c : configs) {
                if (keys != null && !keys.isEmpty() && !keys.contains(c.name())) {
                    continue;
                }
                // as Kafka: passwords (ssl.keystore.password, ...) are reported as set or not, never their value
                boolean sensitive = c.type() == dev.sluice.api.config.ConfigType.PASSWORD;
                Struct config = out.addStruct("Configs").set("Name", c.name()).set("Value", sensitive ? null : c.value())
                        .set("ReadOnly", c.readOnly()).set("IsSensitive", sensitive).set("ConfigSource", c.source());
                if (synonyms) {
                    for (DescribedConfig.Synonym syn : c.synonyms()) {
                        config.addStruct("Synonyms").set("Name", syn.name()).set("Value", sensitive ? null : syn.value())
                                .set("Source", syn.source());
                    }
                }
                if (ctx.version() >= 3) {
                    config.set("ConfigType", c.type().describeId());
                    if (documentation) {
                        config.set("Documentation", c.documentation());
                    }
                }
            }
        }
        ctx.respond(response);
    }

    /** A topic's settings as DescribeConfigs (and CreateTopics v5+) report them. */
    static List<DescribedConfig> topicConfigs(BrokerState broker, Map<String, String> overrides) {
        return TopicConfigDef.describe(overrides, broker.config());
    }

    /** AlterConfigs: replaces a topic's whole set of overrides. */
    void alterConfigs(RequestContext ctx) {
        Struct request = ctx.body();
        boolean validateOnly = request.getBool("ValidateOnly");
        Struct response = ctx.newResponse();
        for (Struct resource : request.getArray("Resources")) {
            Map<String, String> overrides = new LinkedHashMap<>();
            for (Struct config : resource.getArray("Configs")) {
                if (config.getString("Value") != null) {
                    overrides.put(config.getString("Name"), config.getString("Value"));
                }
            }
            alter(ctx, response, resource, validateOnly, current -> overrides);
        }
        ctx.respond(response);
    }

    /** IncrementalAlterConfigs: SET / DELETE / APPEND / SUBTRACT individual topic configs. */
    void incrementalAlterConfigs(RequestContext ctx) {
        Struct request = ctx.body();
        boolean validateOnly = request.getBool("ValidateOnly");
        Struct response = ctx.newResponse();
        for (Struct resource : request.getArray("Resources")) {
            alter(ctx, response, resource, validateOnly, current -> {
                Map<String, String> updated = new LinkedHashMap<>(current);
                for (Struct config : resource.getArray("Configs")) {
                    String name = config.getString("Name");
                    String value = config.getString("Value");
                    byte op = config.getByte("ConfigOperation");
                    switch (op) {
                        case SET -> updated.put(name, value);
                        case DELETE -> updated.remove(name);
                        case APPEND, SUBTRACT -> updated.put(name, listOp(updated.getOrDefault(name,
                                valueWithoutOverride(resource.getByte("ResourceType"), name)), value, op == APPEND));
                        default -> throw new TopicException(TopicException.Error.INVALID_REQUEST_ARGUMENTS,
                                "unknown config operation " + op + " for " + name);
                    }
                }
                return updated;
            });
        }
        ctx.respond(response);
    }

    /** What a list setting is when the resource does not override it: APPEND and SUBTRACT start from it. */
    private String valueWithoutOverride(byte type, String name) {
        if (type == BROKER) {
            return broker.config().values().def().contains(name)
                    ? dev.sluice.api.config.ConfigKey.format(broker.config().values().get(name)) : "";
        }
        return TopicConfigDef.brokerDefaults(broker.config().values()).getOrDefault(name, "");
    }

    private static String listOp(String current, String value, boolean append) {
        List<String> items = new ArrayList<>(current.isBlank() ? List.of() : Arrays.asList(current.split(",")));
        for (String v : value == null ? new String[0] : value.split(",")) {
            if (append && !items.contains(v)) {
                items.add(v);
            } else if (!append) {
                items.remove(v);
            }
        }
        return String.join(",", items);
    }

    private void alterBroker(Struct out, String name, boolean validateOnly,
                             java.util.function.Function<Map<String, String>, Map<String, String>> change) {
        DynamicBrokerConfig.Outcome outcome;
        try {
            outcome = broker.dynamicConfig().alter(name, change::apply, validateOnly);
        } catch (TopicException e) { // an unknown operation
            out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("ErrorMessage", e.getMessage());
            return;
        }
        if (outcome instanceof DynamicBrokerConfig.Outcome.Refused refused) {
            Errors error = switch (refused.reason()) {
                case INVALID_REQUEST -> Errors.INVALID_REQUEST;
                case INVALID_CONFIG -> Errors.INVALID_CONFIG;
                case STORE_FAILED -> Errors.UNKNOWN_SERVER_ERROR;
            };
            out.set("ErrorCode", error.code()).set("ErrorMessage", refused.message());
        } else {
            out.set("ErrorCode", Errors.NONE.code());
        }
    }

    /**
     * As Kafka: a topic's configs need DESCRIBE_CONFIGS / ALTER_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED),
     * a broker's (and broker loggers') on the cluster (CLUSTER_AUTHORIZATION_FAILED). Null if allowed.
     */
    private Errors refusal(RequestContext ctx, AclOperation operation, byte type, String name) {
        if (type == TOPIC) {
            return broker.authorization().allows(ctx, operation, ResourceType.TOPIC, name) ? null : Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        return broker.authorization().allowsOnCluster(ctx, operation) ? null : Errors.CLUSTER_AUTHORIZATION_FAILED;
    }

    private void alter(RequestContext ctx, Struct response, Struct resource, boolean validateOnly,
                       java.util.function.Function<Map<String, String>, Map<String, String>> change) {
        byte type = resource.getByte("ResourceType");
        String name = resource.getString("ResourceName");
        Struct out = response.addStruct("Responses").set("ResourceType", type).set("ResourceName", name);
        Errors refused = refusal(ctx, AclOperation.ALTER_CONFIGS, type, name);
        if (refused != null) {
            out.set("ErrorCode", refused.code()).set("ErrorMessage", refused.message());
            return;
        }
        if (type == BROKER) {
            alterBroker(out, name, validateOnly, change);
            return;
        }
        if (type != TOPIC) {
            out.set("ErrorCode", Errors.INVALID_REQUEST.code())
                    .set("ErrorMessage", "resource type " + type + " is not supported (2 = topic, 4 = broker)");
            return;
        }
        if (TopicNames.isInternal(name)) {
            out.set("ErrorCode", Errors.INVALID_REQUEST.code()).set("ErrorMessage", "Cannot alter the configuration of "
                    + "internal topic " + name + ": the broker sets it (offsets.topic.* settings)");
            return;
        }
        try {
            TopicMetadata topic = broker.partitions().topics().get(name).orElseThrow(() -> new TopicException(
                    TopicException.Error.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist"));
            broker.partitions().alterConfigs(name, change.apply(topic.configs()), validateOnly);
            out.set("ErrorCode", Errors.NONE.code());
        } catch (TopicException e) {
            out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("ErrorMessage", e.getMessage());
        } catch (dev.sluice.api.cluster.ClusterStoreException e) {
            out.set("ErrorCode", Errors.UNKNOWN_SERVER_ERROR.code())
                    .set("ErrorMessage", "the cluster metadata store failed (the change may or may not be written): " + e.getMessage());
        }
    }
}
