package dev.sluice.broker.topic;

/** Kafka's rules for topic names. */
public final class TopicNames {
    public static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /** Topics the broker writes itself (committed offsets, transaction states); clients may read but not produce to them. */
    public static final java.util.Set<String> INTERNAL = java.util.Set.of("__consumer_offsets", "__transaction_state");

    public static boolean isInternal(String name) {
        return INTERNAL.contains(name);
    }

    /** Null if {@code name} is a legal topic name, else why not. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "topic name is empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "topic name cannot be '.' or '..'";
        }
        if (name.length() > MAX_LENGTH) {
            return "topic name is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return "topic name '" + name + "' has an illegal character '" + c + "' (allowed: ASCII letters, digits, '.', '_', '-')";
            }
        }
        return null;
    }
}
