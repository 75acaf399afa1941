package dev.sluice.broker.metrics;

import java.util.List;

/**
 * Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE} once per family, then
 * its samples; label values escaped (backslash, double quote, line feed). Threads: one scrape at a
 * time per instance.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(16 * 1024);

    /** Starts a family; {@code type} is counter, gauge, histogram or untyped. */
    public PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    public PrometheusText sample(String name, List<String> labelNames, List<String> labelValues, double value) {
        return sample(name, labelNames, labelValues, null, null, value);
    }

    /** A sample; {@code extraLabel} (e.g. a histogram's {@code le}) follows the others if not null. */
    public PrometheusText sample(String name, List<String> labelNames, List<String> labelValues,
                                 String extraLabel, String extraValue, double value) {
        out.append(name);
        if (!labelNames.isEmpty() || extraLabel != null) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                label(i > 0, labelNames.get(i), labelValues.get(i));
            }
            if (extraLabel != null) {
                label(!labelNames.isEmpty(), extraLabel, extraValue);
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    private void label(boolean comma, String name, String value) {
        if (comma) {
            out.append(',');
        }
        out.append(name).append("=\"");
        escape(value, true);
        out.append('"');
    }

    private void escape(String s, boolean quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '"' && quote) {
                out.append("\\\"");
            } else {
                out.append(c);
            }
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
