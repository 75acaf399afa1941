package dev.sluice.connect.api;

/** A connector that copies records from topics ({@code topics} or {@code topics.regex}) into another system. */
public non-sealed interface SinkConnector extends Connector {
}
