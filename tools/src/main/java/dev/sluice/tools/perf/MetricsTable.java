package dev.sluice.tools.perf;

import java.io.PrintStream;
import java.util.Map;

/** {@code --print-metrics}: "Metric Name   Value" then one "name : value" line each, as Kafka's tools print. */
final class MetricsTable {
    private MetricsTable() {
    }

    static void print(Map<String, Double> metrics, PrintStream out) {
        int width = "Metric Name".length();
        for (String name : metrics.keySet()) {
            width = Math.max(width, name.length());
        }
        String format = "%-" + width + "s : %.3f%n";
        out.printf("%n%-" + width + "s   %s%n", "Metric Name", "Value");
        metrics.forEach((name, value) -> out.printf(format, name, value));
    }
}
