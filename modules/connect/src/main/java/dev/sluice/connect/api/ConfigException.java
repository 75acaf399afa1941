package dev.sluice.connect.api;

import java.util.List;

/** Settings that do not validate; the message lists every problem, one per line. */
public class ConfigException extends ConnectException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
