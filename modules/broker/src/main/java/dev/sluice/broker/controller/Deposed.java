package dev.sluice.broker.controller;

/**
 * A newer controller fenced this one's write ({@code WriteOutcome.Fenced}): thrown out of the write,
 * caught by the controller, which resigns and does nothing more for the event (no message is sent
 * for the refused change). No stack trace: it is an outcome, not a fault.
 */
final class Deposed extends RuntimeException {
    Deposed() {
        super("deposed", null, false, false);
    }
}
