package dev.sluice.api.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigKeyTest {

    @Test
    void valuesAreTrimmedParsedByTypeAndValidated() {
        ConfigKey port = ConfigKey.of("p", ConfigType.INT, 1, Validator.atLeast(1), "");
        assertThat(port.parse(" 42 ")).isEqualTo(42);
        assertThatThrownBy(() -> port.parse("0")).hasMessage("'0' is invalid; expected an integer >= 1");
        assertThatThrownBy(() -> port.parse("3000000000")).hasMessage("'3000000000' is invalid; expected an integer >= 1");
        assertThat(ConfigKey.of("b", ConfigType.BOOLEAN, false, null, "").parse("TRUE")).isEqualTo(true);
        assertThat(ConfigKey.of("l", ConfigType.LIST, List.of(), null, "").parse("a, ,b")).isEqualTo(List.of("a", "b"));
        assertThat(ConfigKey.of("c", ConfigType.STRING, "CreateTime", Validator.oneOf("CreateTime", "LogAppendTime"), "")
                .isValid("logappendtime")).isTrue();
        assertThat(ConfigKey.format(List.of("a", "b"))).isEqualTo("a,b");
    }

    @Test
    void aDefaultMustPassItsOwnRule() {
        assertThatThrownBy(() -> ConfigKey.of("x", ConfigType.INT, 0, Validator.atLeast(1), ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsingCollectsEveryProblemAndRemembersWhatWasSet() {
        ConfigDef def = ConfigDef.of(List.of(ConfigKey.of("a", ConfigType.INT, 1, null, ""),
                ConfigKey.of("b", ConfigType.LONG, null, null, ""), ConfigKey.of("c", ConfigType.BOOLEAN, true, null, "")));
        List<String> problems = new ArrayList<>();
        ConfigValues v = def.parse(Map.of("a", "x", "c", "false", "other", "1"), problems);
        assertThat(problems).containsExactly("a: 'x' is invalid; expected an integer");
        assertThat(v.getInt("a")).as("default kept").isEqualTo(1);
        assertThat(v.get("b")).isNull();
        assertThat(v.getBoolean("c")).isFalse();
        assertThat(v.explicitlySet()).containsOnlyKeys("c");
    }

    @Test
    void didYouMeanNamesTheNearestKnownKeysOnly() {
        List<String> known = List.of("log.retention.hours", "log.retention.ms", "log.retention.minutes", "num.partitions");
        assertThat(ConfigNames.closest("log.retention.hour", known)).containsExactly("log.retention.hours");
        assertThat(ConfigNames.closest("log.retention.mins", known)).containsExactly("log.retention.ms", "log.retention.minutes");
        assertThat(ConfigNames.closest("log.cleaner.threads", known)).isEmpty();
        assertThat(ConfigNames.closest("log.retnetion.ms", known)).containsExactly("log.retention.ms");
        assertThat(ConfigNames.unknownKey("colour", known)).isEqualTo("unknown configuration key 'colour'");
        assertThat(ConfigNames.unknownKey("log.retention.m", known))
                .isEqualTo("unknown configuration key 'log.retention.m' — did you mean 'log.retention.ms'?");
    }
}
