package dev.sluice.streams.kstream;

import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Branches of a split stream: a record goes to the first branch whose predicate accepts it (or the
 * default branch, if any, else nowhere).
 */
public interface BranchedKStream<K, V> {
    /** A branch named by its position (1, 2, ...). */
    BranchedKStream<K, V> branch(BiPredicate<? super K, ? super V> predicate);

    BranchedKStream<K, V> branch(BiPredicate<? super K, ? super V> predicate, Branched named);

    /** Records no predicate accepted; named {@code 0}. Ends the split. */
    Map<String, KStream<K, V>> defaultBranch();

    Map<String, KStream<K, V>> defaultBranch(Branched named);

    /** Ends the split; records no predicate accepted are dropped. */
    Map<String, KStream<K, V>> noDefaultBranch();
}
