package dev.sluice.broker.api;

/** Handles the requests of one Kafka API. */
@FunctionalInterface
public interface ApiHandler {
    void handle(RequestContext context);
}
