package dev.sluice.client.admin;

/** Something with configuration: a topic (by name) or a broker (by id, as a string). */
public record ConfigResource(Type type, String name) {
    /** Kafka's resource type ids. */
    public enum Type {
        TOPIC((byte) 2), BROKER((byte) 4);

        private final byte id;

        Type(byte id) {
            this.id = id;
        }

        public byte id() {
            return id;
        }
    }

    public static ConfigResource topic(String name) {
        return new ConfigResource(Type.TOPIC, name);
    }

    public static ConfigResource broker(int id) {
        return new ConfigResource(Type.BROKER, Integer.toString(id));
    }

    /** The cluster-wide default of every broker's dynamic settings (Kafka's {@code --entity-default}). */
    public static ConfigResource brokerDefault() {
        return new ConfigResource(Type.BROKER, "");
    }
}
