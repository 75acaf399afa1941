package dev.sluice.streams.internals;

/**
 * A topic a topology reads or writes: a user topic by its name, or an internal one (repartition,
 * changelog) whose real name is {@code <application.id>-<name>}, known only when the application runs.
 */
public record TopicRef(String name, boolean internal) {
    public static TopicRef user(String name) {
        return new TopicRef(name, false);
    }

    public static TopicRef internal(String name) {
        return new TopicRef(name, true);
    }

    public String resolve(String applicationId) {
        return internal ? applicationId + "-" + name : name;
    }
}
