package dev.sluice.client.config;

import dev.sluice.client.SluiceClientException;

import java.util.List;

/** Invalid or unknown configuration; the message names every offending key. */
public class ConfigException extends SluiceClientException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid client configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** One line per problem, each naming its key. */
    public List<String> problems() {
        return problems;
    }
}
