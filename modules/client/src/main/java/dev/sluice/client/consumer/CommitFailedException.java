package dev.sluice.client.consumer;

import dev.sluice.client.SluiceClientException;

/**
 * A commit was refused because this consumer is no longer the owner of the partitions in its
 * group's eyes: the group rebalanced (for example because poll was not called within
 * {@code max.poll.interval.ms}). The next poll rejoins; records since the last commit may be read again.
 */
public class CommitFailedException extends SluiceClientException {
    public CommitFailedException(String message) {
        super(message);
    }
}
