package dev.sluice.streams.serde;

/**
 * A serde found by name through {@link java.util.ServiceLoader} ({@code provides} in a module, or
 * {@code META-INF/services} on the class path), so configuration such as {@code default.value.serde}
 * can name serdes that ship outside this module.
 */
public interface SerdeProvider {
    /** The name configuration uses, e.g. {@code double}. */
    String name();

    Serde<?> serde();
}
