package dev.sluice.connect.api;

/** A connector that copies data from another system into topics. */
public non-sealed interface SourceConnector extends Connector {
}
