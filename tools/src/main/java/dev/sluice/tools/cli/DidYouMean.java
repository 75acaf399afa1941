package dev.sluice.tools.cli;

import dev.sluice.api.config.ConfigNames;

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
            if (ConfigNames.distance(t, n) <= limit || (t.length() >= 3 && (n.startsWith(t) || n.contains(t)))) {
                out.add(name);
            }
        }
        out.sort(Comparator.comparingInt(name -> ConfigNames.distance(t, strip(name))));
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
}
