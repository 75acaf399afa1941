package dev.sluice.compression;

/**
 * The compression levels a codec accepts and the one it uses when none is given. Kafka validates
 * {@code compression.<codec>.level} against the same ranges, so a level Kafka refuses is refused here.
 *
 * @param codec        codec name, for error messages
 * @param min          lowest accepted level
 * @param max          highest accepted level
 * @param defaultLevel level used for {@code null}; may lie outside [min, max] (gzip's is zlib's -1)
 */
public record LevelRange(String codec, int min, int max, int defaultLevel) {

    public LevelRange {
        if (min > max) {
            throw new IllegalArgumentException("empty level range for " + codec + ": [" + min + ", " + max + "]");
        }
    }

    /**
     * @return {@code level}, or the default when it is {@code null}
     * @throws IllegalArgumentException when the level is neither the default nor inside the range
     */
    public int resolve(Integer level) {
        if (level == null || level == defaultLevel) {
            return defaultLevel;
        }
        if (level < min || level > max) {
            throw new IllegalArgumentException(codec + " compression level " + level + " is out of range ["
                    + min + ", " + max + "] (default " + defaultLevel + ")");
        }
        return level;
    }
}
