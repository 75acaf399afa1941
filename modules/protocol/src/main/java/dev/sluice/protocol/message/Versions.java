package dev.sluice.protocol.message;

/**
 * An inclusive range of message versions as written in the schemas: {@code "3"}, {@code "1-4"},
 * {@code "2+"} (open-ended) or {@code "none"} (empty).
 */
public record Versions(short lowest, short highest) {

    public static final Versions NONE = new Versions((short) 0, (short) -1);
    public static final Versions ALL = new Versions((short) 0, Short.MAX_VALUE);

    public static Versions parse(String spec) {
        String s = spec.trim();
        try {
            if (s.equals("none")) {
                return NONE;
            }
            if (s.endsWith("+")) {
                return new Versions(Short.parseShort(s.substring(0, s.length() - 1)), Short.MAX_VALUE);
            }
            int dash = s.indexOf('-');
            if (dash > 0) {
                return new Versions(Short.parseShort(s.substring(0, dash)), Short.parseShort(s.substring(dash + 1)));
            }
            short v = Short.parseShort(s);
            return new Versions(v, v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad version range '" + spec + "'", e);
        }
    }

    public boolean contains(short version) {
        return version >= lowest && version <= highest;
    }

    public boolean isEmpty() {
        return highest < lowest;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        if (highest == Short.MAX_VALUE) {
            return lowest + "+";
        }
        return lowest == highest ? Short.toString(lowest) : lowest + "-" + highest;
    }
}
