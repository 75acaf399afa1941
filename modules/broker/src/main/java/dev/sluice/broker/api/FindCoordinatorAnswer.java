package dev.sluice.broker.api;

import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.function.Function;

/**
 * FindCoordinator's answer in both its shapes, for whichever coordinator a key type names (groups,
 * transactional ids): one key at the top level (v0-3; v0 has no error message) or a Coordinators
 * entry per key (v4+). Threads: request handler threads; stateless.
 */
public final class FindCoordinatorAnswer {
    /** A key's coordinator, on the request's listener; or, with {@code node} null, the error and message saying why none. */
    public record Coordinator(Errors error, String message, BrokerNode node) {
        public static Coordinator found(BrokerNode node) {
            return new Coordinator(Errors.NONE, null, node);
        }

        public static Coordinator none(Errors error, String message) {
            return new Coordinator(error, message, null);
        }
    }

    private FindCoordinatorAnswer() {
    }

    /** Answers {@code ctx} with {@code lookup}'s coordinator of each key of the request. */
    public static void respond(RequestContext ctx, Function<String, Coordinator> lookup) {
        Struct request = ctx.body();
        Struct response = ctx.newResponse();
        if (ctx.version() <= 3) {
            Coordinator coordinator = lookup.apply(request.getString("Key"));
            fill(response, coordinator);
            if (ctx.version() >= 1) {
                response.set("ErrorMessage", coordinator.message());
            }
        } else {
            for (String key : request.<String>getList("CoordinatorKeys")) {
                Coordinator coordinator = lookup.apply(key);
                fill(response.addStruct("Coordinators").set("Key", key), coordinator)
                        .set("ErrorMessage", coordinator.message());
            }
        }
        ctx.respond(response);
    }

    private static Struct fill(Struct out, Coordinator coordinator) {
        BrokerNode node = coordinator.node();
        return out.set("ErrorCode", coordinator.error().code()).set("NodeId", node == null ? -1 : node.id())
                .set("Host", node == null ? "" : node.host()).set("Port", node == null ? -1 : node.port());
    }
}
