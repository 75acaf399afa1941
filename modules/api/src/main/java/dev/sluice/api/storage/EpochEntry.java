package dev.sluice.api.storage;

/** A leader epoch and the first offset written in it; a log's entries form its leader-epoch history. */
public record EpochEntry(int epoch, long startOffset) {
}
