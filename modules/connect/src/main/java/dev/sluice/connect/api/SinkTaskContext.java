package dev.sluice.connect.api;

import java.util.Map;

/** What a sink task may ask of its worker. */
public interface SinkTaskContext {
    /** The task's configuration. */
    Map<String, String> configs();
}
