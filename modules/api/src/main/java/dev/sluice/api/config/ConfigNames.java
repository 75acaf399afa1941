package dev.sluice.api.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * "Did you mean" for setting names: the known names closest to a mistyped one. Pure functions;
 * any thread.
 */
public final class ConfigNames {
    private ConfigNames() {
    }

    /**
     * Up to three known names close to {@code typed}, closest first: within an edit distance of
     * a quarter of its length (at least 2), adjacent swaps counting one, and at most one more than
     * the closest.
     */
    public static List<String> closest(String typed, Collection<String> known) {
        int limit = Math.max(2, typed.length() / 4);
        List<String> out = new ArrayList<>();
        for (String name : known) {
            if (!name.equals(typed) && distance(typed, name) <= limit) {
                out.add(name);
            }
        }
        out.sort(Comparator.comparingInt((String name) -> distance(typed, name)).thenComparing(Comparator.naturalOrder()));
        if (!out.isEmpty()) {
            // a near miss hides the far ones: "log.retention.hour" means hours, not ms
            int best = distance(typed, out.get(0));
            out.removeIf(name -> distance(typed, name) > best + 1);
        }
        return out.size() > 3 ? List.copyOf(out.subList(0, 3)) : List.copyOf(out);
    }

    /**
     * {@code "unknown configuration key 'log.segmnt.bytes' — did you mean 'log.segment.bytes'?"},
     * or without the question when no known name is close.
     */
    public static String unknownKey(String typed, Collection<String> known) {
        List<String> names = closest(typed, known);
        StringBuilder sb = new StringBuilder("unknown configuration key '").append(typed).append('\'');
        if (!names.isEmpty()) {
            sb.append(" — did you mean ");
            for (int i = 0; i < names.size(); i++) {
                sb.append(i == 0 ? "" : i == names.size() - 1 ? " or " : ", ").append('\'').append(names.get(i)).append('\'');
            }
            sb.append('?');
        }
        return sb.toString();
    }

    /** Levenshtein distance with adjacent transpositions counting one (also the CLI's option hints). */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
