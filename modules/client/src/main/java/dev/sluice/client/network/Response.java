package dev.sluice.client.network;

import dev.sluice.protocol.message.Struct;

/**
 * A response body and the version it was read at; {@code body} is null for requests that get no
 * response (produce with {@code acks=0}), completed once the request is written.
 */
public record Response(Node node, short version, Struct body) {
}
