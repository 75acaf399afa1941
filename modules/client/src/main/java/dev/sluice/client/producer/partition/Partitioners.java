package dev.sluice.client.producer.partition;

import dev.sluice.api.partition.Partitioner;
import dev.sluice.client.config.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the configured {@link Partitioner}: by provider {@link Partitioner#name() name} or class
 * name among the ServiceLoader providers, else (for a class name) by loading that class directly,
 * the way a Kafka user names {@code partitioner.class}.
 */
public final class Partitioners {
    private Partitioners() {
    }

    public static Partitioner load(String nameOrClass, Map<String, String> settings) {
        List<String> known = new ArrayList<>();
        for (Partitioner p : ServiceLoader.load(Partitioner.class, Partitioners.class.getClassLoader())) {
            if (p.name().equalsIgnoreCase(nameOrClass) || p.getClass().getName().equals(nameOrClass)) {
                p.configure(settings);
                return p;
            }
            known.add(p.name());
        }
        Partitioner p = byClassName(nameOrClass, known);
        p.configure(settings);
        return p;
    }

    private static Partitioner byClassName(String className, List<String> known) {
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, true, loader == null ? Partitioners.class.getClassLoader() : loader);
        } catch (ClassNotFoundException e) {
            throw new ConfigException("partitioner.class=" + className + " names no installed partitioner "
                    + "(providers: " + known + ") and no loadable class");
        }
        if (!Partitioner.class.isAssignableFrom(type)) {
            throw new ConfigException("partitioner.class=" + className + " does not implement " + Partitioner.class.getName());
        }
        try {
            return (Partitioner) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ConfigException("partitioner.class=" + className + " cannot be instantiated: " + e);
        }
    }
}
