package dev.sluice.connect.runtime;

import dev.sluice.connect.api.ConnectRecord;
import dev.sluice.connect.api.Transformation;

import java.util.ArrayList;
import java.util.List;

/** A connector's transforms in order ({@code transforms=a,b}); null from one drops the record. Task thread only. */
final class TransformChain implements AutoCloseable {
    private final List<Transformation> transforms;

    private TransformChain(List<Transformation> transforms) {
        this.transforms = transforms;
    }

    static TransformChain of(ConnectorConfig config, Plugins plugins) {
        List<Transformation> list = new ArrayList<>();
        for (String alias : config.transforms()) {
            String prefix = "transforms." + alias + ".";
            Transformation t = plugins.newTransformation(config.raw().get(prefix + "type"));
            t.configure(ConnectorConfig.withPrefix(config.raw(), prefix));
            list.add(t);
        }
        return new TransformChain(List.copyOf(list));
    }

    <R extends ConnectRecord<R>> R apply(R record) {
        R current = record;
        for (Transformation t : transforms) {
            if (current == null) {
                return null;
            }
            current = t.apply(current);
        }
        return current;
    }

    @Override
    public void close() {
        transforms.forEach(Transformation::close);
    }
}
