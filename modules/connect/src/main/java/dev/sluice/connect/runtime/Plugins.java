package dev.sluice.connect.runtime;

import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.api.ConnectPlugin;
import dev.sluice.connect.api.Connector;
import dev.sluice.connect.api.Converter;
import dev.sluice.connect.api.SinkConnector;
import dev.sluice.connect.api.Transformation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The connectors, converters and transformations on the module path, found with {@link ServiceLoader}
 * once, then created by name: the class name, the simple name, the simple name without its
 * {@code Connector} suffix ({@code FileStreamSource}), or one of the plugin's aliases (Kafka's class
 * names). Immutable after construction; any thread.
 */
public final class Plugins {
    /** One plugin: its kind, class and how to make a new instance. */
    public record PluginDesc(String kind, String className, String version, Supplier<? extends ConnectPlugin> factory) {
    }

    private final Map<String, PluginDesc> byName = new LinkedHashMap<>();
    private final List<PluginDesc> all = new ArrayList<>();

    public Plugins() {
        ServiceLoader.load(Connector.class).stream().forEach(p -> add(p.type(), p::get));
        ServiceLoader.load(Converter.class).stream().forEach(p -> add(p.type(), p::get));
        ServiceLoader.load(Transformation.class).stream().forEach(p -> add(p.type(), p::get));
        all.sort(Comparator.comparing(PluginDesc::className));
    }

    private void add(Class<?> type, Supplier<? extends ConnectPlugin> factory) {
        ConnectPlugin sample = factory.get();
        String kind = sample instanceof SinkConnector ? "sink"
                : sample instanceof Connector ? "source"
                : sample instanceof Converter ? "converter" : "transformation";
        PluginDesc desc = new PluginDesc(kind, type.getName(), sample.version(), factory);
        all.add(desc);
        List<String> names = new ArrayList<>(sample.aliases());
        names.add(type.getName());
        names.add(type.getSimpleName());
        if (type.getSimpleName().endsWith("Connector")) {
            names.add(type.getSimpleName().substring(0, type.getSimpleName().length() - "Connector".length()));
        }
        names.forEach(n -> byName.putIfAbsent(n, desc));
    }

    /** Every plugin, by class name. */
    public List<PluginDesc> all() {
        return List.copyOf(all);
    }

    public Connector newConnector(String name) {
        return create(name, Connector.class, "connector");
    }

    public Converter newConverter(String name) {
        return create(name, Converter.class, "converter");
    }

    public Transformation newTransformation(String name) {
        return create(name, Transformation.class, "transformation");
    }

    private <T> T create(String name, Class<T> type, String what) {
        PluginDesc desc = byName.get(name == null ? "" : name.trim());
        if (desc == null) {
            List<String> known = all.stream().filter(d -> type.isInstance(d.factory().get()))
                    .map(PluginDesc::className).toList();
            throw new ConfigException("no " + what + " named '" + name + "' on the module path; known: "
                    + String.join(", ", known));
        }
        Object plugin = desc.factory().get();
        if (!type.isInstance(plugin)) {
            throw new ConfigException("'" + name + "' is a " + desc.kind() + ", not a " + what);
        }
        return type.cast(plugin);
    }

    /** The kind ({@code source}, {@code sink}, ...) of the plugin {@code name}, or null. */
    public String kindOf(String name) {
        PluginDesc desc = byName.get(name == null ? "" : name.trim());
        return desc == null ? null : desc.kind();
    }
}
