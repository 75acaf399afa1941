package dev.sluice.streams;

/** Where an instance answers interactive queries: its {@code application.server}. */
public record HostInfo(String host, int port) {
    /** An instance that set no {@code application.server}. */
    public static final HostInfo UNAVAILABLE = new HostInfo("unavailable", -1);

    /** Parses {@code host:port}; empty text is {@link #UNAVAILABLE}. */
    public static HostInfo parse(String text) {
        if (text == null || text.isBlank()) {
            return UNAVAILABLE;
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("application.server must be host:port, was " + text);
        }
        return new HostInfo(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
