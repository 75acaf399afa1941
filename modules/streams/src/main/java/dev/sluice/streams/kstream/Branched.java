package dev.sluice.streams.kstream;

/** A branch's name within {@link KStream#split(String)}: the map key is the split prefix + this name. */
public record Branched(String name) {
    public static Branched as(String name) {
        return new Branched(name);
    }
}
