package dev.sluice.broker.network;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/** The JVM's memory limits that size the network's defaults. Stateless; any thread. */
final class JvmMemory {
    private static final String FLAG = "-XX:MaxDirectMemorySize=";

    private JvmMemory() {
    }

    /**
     * The direct-memory limit: {@code -XX:MaxDirectMemorySize} if given, else the JVM's default,
     * which is the maximum heap size.
     */
    static long maxDirectMemory() {
        long fromFlag = -1;
        try {
            fromFlag = directMemoryFlag(ManagementFactory.getRuntimeMXBean().getInputArguments());
        } catch (RuntimeException | LinkageError e) { // management unavailable: assume the JVM default
            System.getLogger(JvmMemory.class.getName()).log(System.Logger.Level.DEBUG, "cannot read JVM flags: " + e);
        }
        return fromFlag > 0 ? fromFlag : Runtime.getRuntime().maxMemory();
    }

    /** The last {@code -XX:MaxDirectMemorySize=} among the arguments in bytes, or -1 (absent or unreadable). */
    static long directMemoryFlag(List<String> jvmArguments) {
        long result = -1;
        for (String arg : jvmArguments) {
            if (arg.startsWith(FLAG)) {
                result = parseSize(arg.substring(FLAG.length()));
            }
        }
        return result;
    }

    /** HotSpot's size syntax: digits with an optional k, m, g or t suffix (either case). */
    static long parseSize(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return -1;
        }
        int shift = switch (v.charAt(v.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
        try {
            return Long.parseLong(digits) << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
