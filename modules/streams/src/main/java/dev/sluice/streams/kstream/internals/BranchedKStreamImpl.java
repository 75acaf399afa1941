package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.kstream.Branched;
import dev.sluice.streams.kstream.BranchedKStream;
import dev.sluice.streams.kstream.KStream;
import dev.sluice.streams.processor.Record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Collects a split's predicates; ending the split adds one branch processor that forwards each record
 * to the child of the first predicate accepting it, and one pass-through child per branch.
 */
final class BranchedKStreamImpl<K, V> implements BranchedKStream<K, V> {
    private final KStreamImpl<K, V> parent;
    private final String prefix;
    private final List<BiPredicate<? super K, ? super V>> predicates = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    BranchedKStreamImpl(KStreamImpl<K, V> parent, String prefix) {
        this.parent = parent;
        this.prefix = prefix;
    }

    @Override
    public BranchedKStream<K, V> branch(BiPredicate<? super K, ? super V> predicate) {
        return branch(predicate, Branched.as(Integer.toString(predicates.size() + 1)));
    }

    @Override
    public BranchedKStream<K, V> branch(BiPredicate<? super K, ? super V> predicate, Branched named) {
        predicates.add(predicate);
        names.add(prefix + named.name());
        return this;
    }

    @Override
    public Map<String, KStream<K, V>> defaultBranch() {
        return defaultBranch(Branched.as("0"));
    }

    @Override
    public Map<String, KStream<K, V>> defaultBranch(Branched named) {
        return finish(prefix + named.name());
    }

    @Override
    public Map<String, KStream<K, V>> noDefaultBranch() {
        return finish(null);
    }

    private Map<String, KStream<K, V>> finish(String defaultName) {
        DslContext dsl = parent.dsl;
        List<String> children = new ArrayList<>();
        List<BiPredicate<? super K, ? super V>> tests = List.copyOf(predicates);
        String branch = dsl.processor("KSTREAM-BRANCH-", () -> new ContextProcessor<K, V, K, V>() {
            @Override
            public void process(Record<K, V> r) {
                for (int i = 0; i < tests.size(); i++) {
                    if (tests.get(i).test(r.key(), r.value())) {
                        context.forward(r, children.get(i));
                        return;
                    }
                }
                if (children.size() > tests.size()) {
                    context.forward(r, children.get(tests.size()));
                }
            }
        }, List.of(parent.node));
        List<String> branchNames = new ArrayList<>(names);
        if (defaultName != null) {
            branchNames.add(defaultName);
        }
        Map<String, KStream<K, V>> out = new LinkedHashMap<>();
        for (String name : branchNames) {
            String child = dsl.processor("KSTREAM-BRANCHCHILD-", () -> new ContextProcessor<K, V, K, V>() {
                @Override
                public void process(Record<K, V> r) {
                    context.forward(r);
                }
            }, List.of(branch));
            children.add(child);
            out.put(name, new KStreamImpl<>(dsl, child, parent.keySerde, parent.valueSerde, parent.repartitionRequired));
        }
        return out;
    }
}
