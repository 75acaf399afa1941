package dev.sluice.broker.api;

import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

/**
 * The security APIs of a broker without authentication or authorization, answered as Kafka answers
 * them then: DescribeAcls (29), CreateAcls (30), DeleteAcls (31) with SECURITY_DISABLED and Kafka's
 * message (no {@code authorizer.class.name}), so {@code kafka-acls.sh} and UIs report "security is
 * disabled" instead of failing on a missing API. Stateless; runs on request-handler threads.
 */
final class SecurityHandlers {
    /** Kafka's message (KafkaApis / AclApis). */
    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    void describeAcls(RequestContext ctx) {
        ctx.respond(ctx.newResponse().set("ErrorCode", Errors.SECURITY_DISABLED.code()).set("ErrorMessage", NO_AUTHORIZER));
    }

    void createAcls(RequestContext ctx) {
        Struct response = ctx.newResponse();
        for (int i = 0; i < ctx.body().getArray("Creations").size(); i++) {
            response.addStruct("Results").set("ErrorCode", Errors.SECURITY_DISABLED.code()).set("ErrorMessage", NO_AUTHORIZER);
        }
        ctx.respond(response);
    }

    void deleteAcls(RequestContext ctx) {
        Struct response = ctx.newResponse();
        for (int i = 0; i < ctx.body().getArray("Filters").size(); i++) {
            response.addStruct("FilterResults").set("ErrorCode", Errors.SECURITY_DISABLED.code())
                    .set("ErrorMessage", NO_AUTHORIZER);
        }
        ctx.respond(response);
    }
}
