package dev.sluice.connect.api;

/** What a connector may ask of its worker; any thread. */
public interface ConnectorContext {
    /** The connector's task configurations changed (e.g. a new table appeared): the worker asks again. */
    void requestTaskReconfiguration();

    /** The connector failed for good; the worker marks it FAILED. */
    void raiseError(Exception e);
}
