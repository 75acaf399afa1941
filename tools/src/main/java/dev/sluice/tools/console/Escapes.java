package dev.sluice.tools.console;

/** Separators typed on a command line: {@code \t} and {@code \n} mean tab and newline. */
final class Escapes {
    private Escapes() {
    }

    static String unescape(String s) {
        return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r");
    }

    static String show(String s) {
        return s.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
