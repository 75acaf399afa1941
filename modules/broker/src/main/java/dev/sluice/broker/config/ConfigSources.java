package dev.sluice.broker.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Gathers raw settings from the command line: an optional properties file, then
 * {@code --override key=value} or bare {@code key=value} arguments, which win over the file.
 */
final class ConfigSources {
    private ConfigSources() {
    }

    /** The merged settings; problems with the arguments or the file are appended to {@code problems}. */
    static Map<String, String> fromArgs(List<String> args, List<String> problems) {
        Map<String, String> file = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--override")) {
                if (i + 1 == args.size()) {
                    problems.add("--override needs a key=value argument after it");
                } else {
                    addPair(args.get(++i), overrides, problems);
                }
            } else if (arg.startsWith("--override=")) {
                addPair(arg.substring("--override=".length()), overrides, problems);
            } else if (arg.contains("=")) {
                addPair(arg, overrides, problems);
            } else if (i == 0) {
                file.putAll(load(Path.of(arg), problems));
            } else {
                problems.add("unexpected argument '" + arg + "': expected a properties file first, then "
                        + "--override key=value or key=value");
            }
        }
        file.putAll(overrides);
        return file;
    }

    static Map<String, String> load(Path path, List<String> problems) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            problems.add("cannot read properties file " + path + ": " + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file" : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()));
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String key : props.stringPropertyNames()) {
            result.put(key, props.getProperty(key));
        }
        return result;
    }

    private static void addPair(String pair, Map<String, String> into, List<String> problems) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            problems.add("override '" + pair + "' is not key=value");
            return;
        }
        into.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
}
