package dev.sluice.tools.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The known names closest to a mistyped one (edit distance, or one name containing the other),
 * for "did you mean" hints. Pure function; any thread.
 */
public final class DidYouMean {
    private DidYouMean() {
    }

    /** Up to three names close to {@code typed}, closest first; empty when none is close. */
    public static List<String> closest(String typed, Collection<String> known) {
        String t = strip(typed);
        int limit = Math.max(2, t.length() / 3);
        List<String> out = new ArrayList<>();
        for (String name : known) {
            String n = strip(name);
            if (distance(t, n) <= limit || (t.length() >= 3 && (n.startsWith(t) || n.contains(t)))) {
                out.add(name);
            }
        }
        out.sort(Comparator.comparingInt(name -> distance(t, strip(name))));
        return out.size() > 3 ? out.subList(0, 3) : out;
    }

    /** " (did you mean --partitions?)", or "" when no name is close. */
    public static String hint(String typed, Collection<String> known) {
        List<String> names = closest(typed, known);
        return names.isEmpty() ? "" : " (did you mean " + String.join(" or ", names) + "?)";
    }

    private static String strip(String name) {
        return name.startsWith("--") ? name.substring(2) : name;
    }

    /** Levenshtein distance with adjacent transpositions counting one. */
    static int distance(String a, String b) {
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
