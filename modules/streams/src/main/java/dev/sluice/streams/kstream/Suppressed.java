package dev.sluice.streams.kstream;

/**
 * Holds back a windowed table's updates: {@link #untilWindowCloses()} emits each window's final value
 * once, when stream time passes its end plus grace.
 */
public final class Suppressed {
    private Suppressed() {
    }

    public static Suppressed untilWindowCloses() {
        return new Suppressed();
    }
}
