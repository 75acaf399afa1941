package dev.sluice.broker.security.sasl;

import dev.sluice.broker.api.ApiRouter;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.sasl.ScramMechanism;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SASL-related APIs as handlers: SaslHandshake and SaslAuthenticate where they reach a handler — on a listener without SASL,
 * where Kafka answers ILLEGAL_SASL_STATE (on SASL listeners {@link SaslAuthentication} answers them
 * first) — and the SCRAM credential APIs DescribeUserScramCredentials (50) and
 * AlterUserScramCredentials (51) with Kafka's checks and messages (ZooKeeper-mode {@code AdminManager}).
 * Handlers decode, call the {@link ScramCredentialStore}, encode. Runs on request-handler threads.
 */
public final class SaslApis {
    private final ScramCredentialStore credentials;

    private SaslApis(ScramCredentialStore credentials) {
        this.credentials = credentials;
    }

    public static void register(ApiRouter router, ScramCredentialStore credentials) {
        SaslApis apis = new SaslApis(credentials);
        // v0 too: librdkafka looks for it before logging in (then speaks v1 and SaslAuthenticate)
        router.register(ApiKey.SASL_HANDSHAKE, SaslApis::handshakeWithoutSasl);
        router.register(ApiKey.SASL_AUTHENTICATE, SaslApis::authenticateWithoutSasl);
        // as Kafka: DESCRIBE on the cluster to list credentials, ALTER to change them
        dev.sluice.broker.api.Authorization authorization = router.authorization();
        router.register(ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS, authorization.onCluster(
                dev.sluice.api.security.AclOperation.DESCRIBE, apis::describe));
        router.register(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, ctx -> {
            if (authorization.allowsOnCluster(ctx, dev.sluice.api.security.AclOperation.ALTER)) {
                apis.alter(ctx);
            } else {
                refuseEveryUser(ctx);
            }
        });
    }

    /** AlterUserScramCredentials without ALTER on the cluster: each user named, CLUSTER_AUTHORIZATION_FAILED. */
    private static void refuseEveryUser(RequestContext ctx) {
        Struct response = ctx.newResponse();
        Set<String> users = new java.util.LinkedHashSet<>();
        ctx.body().getArray("Deletions").forEach(d -> users.add(d.getString("Name")));
        ctx.body().getArray("Upsertions").forEach(u -> users.add(u.getString("Name")));
        users.forEach(user -> error(response.addStruct("Results").set("User", user), Errors.CLUSTER_AUTHORIZATION_FAILED,
                Errors.CLUSTER_AUTHORIZATION_FAILED.message()));
        ctx.respond(response);
    }

    private static void handshakeWithoutSasl(RequestContext ctx) {
        ctx.respond(ctx.newResponse().set("ErrorCode", Errors.ILLEGAL_SASL_STATE.code()).set("Mechanisms", new ArrayList<>()));
    }

    private static void authenticateWithoutSasl(RequestContext ctx) {
        ctx.respond(ctx.newResponse().set("ErrorCode", Errors.ILLEGAL_SASL_STATE.code())
                .set("ErrorMessage", "SaslAuthenticate request received after successful authentication")
                .set("AuthBytes", ByteBuffer.allocate(0)));
    }

    void describe(RequestContext ctx) {
        Struct response = ctx.newResponse().set("ErrorCode", Errors.NONE.code());
        List<Struct> users = ctx.body().getArray("Users");
        Map<String, Map<ScramMechanism, ScramCredential>> all = credentials.all();
        if (users == null || users.isEmpty()) {
            new java.util.TreeMap<>(all).forEach((user, creds) -> describeOne(response, user, creds));
            ctx.respond(response);
            return;
        }
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        users.forEach(u -> {
            if (!seen.add(u.getString("Name"))) {
                duplicates.add(u.getString("Name"));
            }
        });
        Set<String> answered = new HashSet<>();
        for (Struct u : users) {
            String name = u.getString("Name");
            if (!answered.add(name)) {
                continue;
            }
            if (duplicates.contains(name)) {
                error(response.addStruct("Results").set("User", name), Errors.DUPLICATE_RESOURCE,
                        "Cannot describe SCRAM credentials for the same user twice in a single request: " + name);
            } else if (!all.containsKey(name)) {
                error(response.addStruct("Results").set("User", name), Errors.RESOURCE_NOT_FOUND,
                        "Attempt to describe a user credential that does not exist: " + name);
            } else {
                describeOne(response, name, all.get(name));
            }
        }
        ctx.respond(response);
    }

    private static void describeOne(Struct response, String user, Map<ScramMechanism, ScramCredential> creds) {
        Struct result = response.addStruct("Results").set("User", user).set("ErrorCode", Errors.NONE.code());
        new EnumMap<>(creds).forEach((mechanism, credential) -> result.addStruct("CredentialInfos")
                .set("Mechanism", mechanism.type()).set("Iterations", credential.iterations()));
    }

    /** Per user: every change checked first; a user with any error gets that error and none of its changes. */
    void alter(RequestContext ctx) {
        Struct response = ctx.newResponse();
        Map<String, Map<ScramMechanism, ScramCredential>> changes = new LinkedHashMap<>();
        Map<String, Struct> errors = new LinkedHashMap<>();
        Map<String, Map<ScramMechanism, ScramCredential>> existing = credentials.all();
        Set<String> touched = new HashSet<>(); // user + mechanism
        for (Struct deletion : ctx.body().getArray("Deletions")) {
            String user = deletion.getString("Name");
            ScramMechanism mechanism = ScramMechanism.forType(deletion.getByte("Mechanism"));
            Refusal problem = check(user, mechanism, deletion.getByte("Mechanism"), touched);
            if (problem == null && (existing.get(user) == null || !existing.get(user).containsKey(mechanism))) {
                errors.putIfAbsent(user, errorStruct(Errors.RESOURCE_NOT_FOUND,
                        "Attempt to delete a user credential that does not exist"));
            }
            record(errors, changes, user, mechanism, null, problem);
        }
        for (Struct upsertion : ctx.body().getArray("Upsertions")) {
            String user = upsertion.getString("Name");
            ScramMechanism mechanism = ScramMechanism.forType(upsertion.getByte("Mechanism"));
            Refusal problem = check(user, mechanism, upsertion.getByte("Mechanism"), touched);
            int iterations = upsertion.getInt("Iterations");
            byte[] salt = bytes(upsertion.getBytes("Salt"));
            byte[] salted = bytes(upsertion.getBytes("SaltedPassword"));
            ScramCredential credential = null;
            if (problem == null) {
                if (iterations < ScramMechanism.MIN_ITERATIONS) {
                    problem = new Refusal(Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
                } else if (iterations > ScramMechanism.MAX_ITERATIONS) {
                    problem = new Refusal(Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
                } else if (salt.length == 0 || salted.length == 0) {
                    problem = new Refusal(Errors.UNACCEPTABLE_CREDENTIAL, "Salt and salted password must not be empty");
                } else {
                    credential = ScramCredential.fromSaltedPassword(mechanism, salt, salted, iterations);
                }
            }
            record(errors, changes, user, mechanism, credential, problem);
        }
        for (String user : errors.keySet()) {
            changes.remove(user);
        }
        for (Map.Entry<String, Map<ScramMechanism, ScramCredential>> change : changes.entrySet()) {
            try {
                credentials.alter(change.getKey(), change.getValue());
                response.addStruct("Results").set("User", change.getKey()).set("ErrorCode", Errors.NONE.code());
            } catch (RuntimeException e) { // the store could not be written (ZooKeeper away): this user's answer
                error(response.addStruct("Results").set("User", change.getKey()), Errors.UNKNOWN_SERVER_ERROR,
                        "Cannot store the credentials: " + e.getMessage());
            }
        }
        errors.forEach((user, error) -> response.addStruct("Results").set("User", user)
                .set("ErrorCode", error.getShort("ErrorCode")).set("ErrorMessage", error.getString("ErrorMessage")));
        ctx.respond(response);
    }

    /** Why a change cannot be made. */
    private record Refusal(Errors error, String message) {
    }

    /** Why a change cannot be made, null if it can. */
    private static Refusal check(String user, ScramMechanism mechanism, byte type, Set<String> touched) {
        if (user == null || user.isEmpty()) {
            return new Refusal(Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        }
        if (mechanism == null) {
            return new Refusal(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism (type " + type + ")");
        }
        if (!touched.add(user + "\0" + mechanism)) {
            return new Refusal(Errors.DUPLICATE_RESOURCE, "A user credential cannot be altered twice in the same request");
        }
        return null;
    }

    private static void record(Map<String, Struct> errors, Map<String, Map<ScramMechanism, ScramCredential>> changes,
                               String user, ScramMechanism mechanism, ScramCredential credential, Refusal problem) {
        String key = user == null ? "" : user;
        if (problem != null) {
            errors.putIfAbsent(key, errorStruct(problem.error(), problem.message()));
            return;
        }
        changes.computeIfAbsent(key, u -> new EnumMap<>(ScramMechanism.class)).put(mechanism, credential);
    }

    private static Struct errorStruct(Errors error, String message) {
        Struct s = ApiKey.ALTER_USER_SCRAM_CREDENTIALS.newResponse().newStruct("Results");
        return s.set("ErrorCode", error.code()).set("ErrorMessage", message);
    }

    private static void error(Struct result, Errors error, String message) {
        result.set("ErrorCode", error.code()).set("ErrorMessage", message);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
