package dev.sluice.broker.api;

import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * UpdateFeatures (57): Sluice's feature levels are fixed ({@link BrokerFeatures}), so an update to
 * the level already in effect succeeds and any other is refused with INVALID_UPDATE_VERSION and a
 * message naming the level Sluice runs at. Stateless; runs on request-handler threads.
 */
final class FeatureHandlers {

    void updateFeatures(RequestContext ctx) {
        Struct request = ctx.body();
        List<String> refusals = new ArrayList<>();
        List<Struct> updates = request.getArray("FeatureUpdates");
        Struct response = ctx.newResponse();
        for (Struct update : updates) {
            String name = update.getString("Feature");
            String problem = problem(name, update.getShort("MaxVersionLevel"));
            if (problem != null) {
                refusals.add(problem);
            }
            if (ctx.version() < 2) {
                response.addStruct("Results").set("Feature", name)
                        .set("ErrorCode", (problem == null ? Errors.NONE : Errors.INVALID_UPDATE_VERSION).code())
                        .set("ErrorMessage", problem);
            }
        }
        if (refusals.isEmpty() || ctx.version() < 2) {
            response.set("ErrorCode", Errors.NONE.code());
        } else {
            response.set("ErrorCode", Errors.INVALID_UPDATE_VERSION.code()).set("ErrorMessage", String.join(" ", refusals));
        }
        ctx.respond(response);
    }

    /** Null if {@code level} is what {@code name} already is, else why it cannot be set. */
    static String problem(String name, short level) {
        Optional<BrokerFeatures.Feature> feature = BrokerFeatures.named(name);
        if (feature.isEmpty()) {
            if (level < 1) {
                return null; // deleting a feature that is not finalized changes nothing
            }
            return "Sluice does not implement the feature " + name + " at any level; its features are fixed: "
                    + describe() + ".";
        }
        if (feature.get().level() == level) {
            return null;
        }
        return "Sluice cannot change " + name + ": it runs at level " + feature.get().level()
                + " (" + feature.get().description() + ") and its features are fixed.";
    }

    private static String describe() {
        StringBuilder text = new StringBuilder();
        for (BrokerFeatures.Feature f : BrokerFeatures.ALL) {
            text.append(text.isEmpty() ? "" : ", ").append(f.name()).append('=').append(f.level());
        }
        return text.toString();
    }
}
