package dev.sluice.connect.transforms;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.api.ConnectRecord;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.Transformation;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kafka's {@code RegexRouter}: a topic that matches {@code regex} as a whole is renamed to
 * {@code replacement} ({@code $1} for groups); others pass unchanged. Task thread only.
 */
public final class RegexRouter implements Transformation {
    private static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .required("regex", ConfigType.STRING, Validator.nonEmpty(), "the topic pattern")
            .required("replacement", ConfigType.STRING, null, "the new topic; $1... for groups")
            .build();
    private Pattern regex;
    private String replacement;

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("org.apache.kafka.connect.transforms.RegexRouter");
    }

    @Override
    public void configure(Map<String, String> config) {
        var v = CONFIG.parse(config);
        try {
            regex = Pattern.compile(v.getString("regex"));
        } catch (PatternSyntaxException e) {
            throw new ConfigException("regex: " + e.getDescription() + " in '" + v.getString("regex") + "'");
        }
        replacement = v.getString("replacement");
    }

    @Override
    public <R extends ConnectRecord<R>> R apply(R record) {
        Matcher m = regex.matcher(record.topic());
        if (!m.matches()) {
            return record;
        }
        return record.newRecord(m.replaceFirst(replacement), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.timestamp());
    }
}
