package dev.sluice.streams.internals;

import java.util.List;
import java.util.Set;

/**
 * A connected part of a topology: nodes linked by parent edges or by a shared store. Each runs as one
 * task per partition of its source topics.
 *
 * @param copartitioned groups of source topics that must have the same partition count (joins)
 */
public record Subtopology(int id, List<String> nodes, List<TopicRef> sourceTopics, List<String> stores,
                          List<Set<TopicRef>> copartitioned) {
}
