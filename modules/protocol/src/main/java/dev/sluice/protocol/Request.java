package dev.sluice.protocol;

import dev.sluice.protocol.message.Struct;

/** A parsed request: its header and body (a struct of the API's request schema at {@link #version()}). */
public record Request(RequestHeader header, Struct body) {

    public ApiKey api() {
        return header.api();
    }

    public short version() {
        return header.apiVersion();
    }

    /** An empty response body of the matching API, to fill in and pass to {@link ResponseWriter}. */
    public Struct newResponse() {
        return api().newResponse();
    }
}
