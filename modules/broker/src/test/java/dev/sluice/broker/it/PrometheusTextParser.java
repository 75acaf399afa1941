package dev.sluice.broker.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus's text exposition format 0.0.4, for tests: it fails on anything a
 * Prometheus server would refuse or misread — bad metric or label names, bad escapes, values that
 * are not Go floats, a TYPE after its family's samples or given twice, a family's samples split
 * apart, a sample outside the family announced before it, the same series twice, histogram buckets
 * that are not cumulative or whose {@code +Inf} bucket differs from {@code _count}.
 */
public final class PrometheusTextParser {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(NaN|Inf|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: the metric name, its labels in order, the value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The parsed families: name → type, and every sample in order. */
    public record Exposition(Map<String, String> types, List<Sample> samples) {
        /** The value of the series with exactly these labels, or null. */
        public Double value(String name, Map<String, String> labels) {
            for (Sample s : samples) {
                if (s.name.equals(name) && s.labels.equals(labels)) {
                    return s.value;
                }
            }
            return null;
        }

        public Double value(String name) {
            return value(name, Map.of());
        }
    }

    public static Exposition parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> closedFamilies = new HashSet<>();
        Set<String> seenSeries = new HashSet<>();
        List<Sample> samples = new ArrayList<>();
        String current = null;
        Map<String, TreeMap<Double, Double>> buckets = new HashMap<>(); // series without le → le → count
        Map<String, Double> counts = new HashMap<>();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw fail(lines.length, "the exposition must end with a line feed");
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    String family = parts[2];
                    requireName(family, n);
                    if (closedFamilies.contains(family) || (samples.stream().anyMatch(s -> familyOf(s.name, types).equals(family)))) {
                        throw fail(n, parts[1] + " for " + family + " after its samples");
                    }
                    if (parts[1].equals("TYPE")) {
                        if (parts.length != 4 || !TYPES.contains(parts[3])) {
                            throw fail(n, "bad TYPE line: " + line);
                        }
                        if (types.put(family, parts[3]) != null) {
                            throw fail(n, "second TYPE for " + family);
                        }
                    } else if (!helped.add(family)) {
                        throw fail(n, "second HELP for " + family);
                    }
                    if (current != null && !current.equals(family)) {
                        closedFamilies.add(current);
                    }
                    current = family;
                }
                continue;
            }
            Sample s = sample(line, n);
            String family = familyOf(s.name, types);
            if (!types.containsKey(family)) {
                throw fail(n, "sample " + s.name + " without a TYPE for its family");
            }
            if (!family.equals(current)) {
                throw fail(n, "sample " + s.name + " outside its family's block (current: " + current + ")");
            }
            String series = s.name + s.labels;
            if (!seenSeries.add(series)) {
                throw fail(n, "series given twice: " + series);
            }
            if (types.get(family).equals("histogram")) {
                Map<String, String> withoutLe = new TreeMap<>(s.labels);
                String le = withoutLe.remove("le");
                String key = family + withoutLe;
                if (s.name.equals(family + "_bucket")) {
                    if (le == null) {
                        throw fail(n, "bucket without le");
                    }
                    buckets.computeIfAbsent(key, k -> new TreeMap<>()).put(parseFloat(le, n), s.value);
                } else if (s.name.equals(family + "_count")) {
                    counts.put(key, s.value);
                } else if (!s.name.equals(family + "_sum")) {
                    throw fail(n, "not a histogram sample: " + s.name);
                }
            }
            samples.add(s);
        }
        buckets.forEach((key, byLe) -> {
            double previous = 0;
            for (double c : byLe.values()) {
                if (c < previous) {
                    throw new AssertionError("histogram " + key + " buckets are not cumulative: " + byLe);
                }
                previous = c;
            }
            if (!byLe.containsKey(Double.POSITIVE_INFINITY)) {
                throw new AssertionError("histogram " + key + " has no +Inf bucket");
            }
            if (!byLe.get(Double.POSITIVE_INFINITY).equals(counts.get(key))) {
                throw new AssertionError("histogram " + key + ": +Inf bucket " + byLe.get(Double.POSITIVE_INFINITY)
                        + " differs from _count " + counts.get(key));
            }
        });
        return new Exposition(types, samples);
    }

    /** The family a sample belongs to: itself, or for histograms and summaries its name without the suffix. */
    private static String familyOf(String name, Map<String, String> types) {
        for (String suffix : new String[]{"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static Sample sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        requireName(name, n);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i >= line.length()) {
                    throw fail(n, "unterminated labels");
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw fail(n, "label without =");
                }
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                    throw fail(n, "bad label name '" + label + "'");
                }
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw fail(n, "label value not quoted");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (true) {
                    if (j >= line.length()) {
                        throw fail(n, "unterminated label value");
                    }
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char e = j + 1 < line.length() ? line.charAt(j + 1) : 0;
                        if (e == '\\' || e == '"') {
                            value.append(e);
                        } else if (e == 'n') {
                            value.append('\n');
                        } else {
                            throw fail(n, "bad escape \\" + e);
                        }
                        j += 2;
                        continue;
                    }
                    value.append(c);
                    j++;
                }
                if (labels.put(label, value.toString()) != null) {
                    throw fail(n, "label given twice: " + label);
                }
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw fail(n, "no value");
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw fail(n, "expected a value and at most a timestamp: " + line);
        }
        double value = parseFloat(rest[0], n);
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw fail(n, "bad timestamp " + rest[1]);
        }
        return new Sample(name, labels, value);
    }

    private static double parseFloat(String s, int n) {
        Matcher m = FLOAT.matcher(s);
        if (!m.matches()) {
            throw fail(n, "not a float: " + s);
        }
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN", "+NaN", "-NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    private static void requireName(String name, int n) {
        if (!NAME.matcher(name).matches()) {
            throw fail(n, "bad metric name '" + name + "'");
        }
    }

    private static AssertionError fail(int line, String message) {
        return new AssertionError("line " + line + ": " + message);
    }
}
