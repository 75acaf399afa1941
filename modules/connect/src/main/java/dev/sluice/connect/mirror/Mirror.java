package dev.sluice.connect.mirror;

import dev.sluice.connect.api.ConfigException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code sluice mirror}: MirrorMaker 2's job in one process. For each enabled flow {@code a->b} (whose
 * target is among the clusters asked for) a {@link MirrorFlow} copies the matching topics and, unless
 * {@code emit.checkpoints.enabled=false}, a {@link GroupCheckpoints} translates consumer-group offsets.
 * Several processes for the same flow would each copy everything: run one per flow.
 *
 * <p>Threads: each flow and checkpointer on its own thread; {@link #close} from any thread; {@code progress}
 * is called from the flows' threads.
 */
public final class Mirror implements AutoCloseable {
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final List<String> flows = new ArrayList<>();

    private Mirror() {
    }

    /**
     * Starts the flows of {@code config} into {@code targets} (all when empty).
     *
     * @param progress told each flow's per-topic lag lines
     * @throws ConfigException when no enabled flow goes to one of {@code targets}
     */
    public static Mirror start(MirrorConfig config, Set<String> targets, Clock clock, Consumer<String> progress) {
        Mirror mirror = new Mirror();
        for (MirrorConfig.Flow flow : config.flows()) {
            if (!targets.isEmpty() && !targets.contains(flow.target())) {
                continue;
            }
            MirrorConfig.Cluster source = config.clusters().get(flow.source());
            MirrorConfig.Cluster target = config.clusters().get(flow.target());
            MirrorFlow copy = new MirrorFlow(flow, source, target, clock, progress);
            mirror.parts.add(copy);
            copy.start();
            if (flow.emitCheckpoints()) {
                GroupCheckpoints checkpoints = new GroupCheckpoints(flow, source, target);
                mirror.parts.add(checkpoints);
                checkpoints.start();
            }
            mirror.flows.add(flow.name());
        }
        if (mirror.flows.isEmpty()) {
            throw new ConfigException("no enabled flow has its target in --clusters " + String.join(", ", targets));
        }
        return mirror;
    }

    /** The flows running, as {@code a->b}. */
    public List<String> flows() {
        return List.copyOf(flows);
    }

    /** Stops every flow (each commits what it copied) and checkpointer. */
    @Override
    public void close() {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                System.getLogger(Mirror.class.getName()).log(System.Logger.Level.WARNING, "stopping " + part + ": " + e);
            }
        }
    }
}
