package dev.sluice.broker.group;

/** One protocol a member supports (e.g. an assignor name) and its opaque subscription metadata. */
public record JoinProtocol(String name, byte[] metadata) {
}
