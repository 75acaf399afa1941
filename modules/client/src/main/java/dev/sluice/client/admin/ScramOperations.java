package dev.sluice.client.admin;

import dev.sluice.client.network.ErrorMapper;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.sasl.ScramMechanism;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeUserScramCredentials and AlterUserScramCredentials for {@link SluiceAdmin}: users' SCRAM
 * credentials. The password never leaves this client: it is salted with a fresh random salt and
 * hashed ({@code Hi}, the iterations asked for) here, as Kafka's admin client does. Thread-safe
 * (stateless over {@link AdminCalls}).
 */
final class ScramOperations {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AdminCalls calls;

    ScramOperations(AdminCalls calls) {
        this.calls = calls;
    }

    /** Each user's mechanisms and their iterations; every user with credentials if {@code users} is empty. */
    CompletableFuture<Map<String, Map<ScramMechanism, Integer>>> describe(Collection<String> users) {
        return calls.call(ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS.newRequest();
            if (users.isEmpty()) {
                body.set("Users", null);
            } else {
                users.forEach(u -> body.addStruct("Users").set("Name", u));
            }
            return body;
        }, response -> {
            Struct body = response.body();
            if (body.getShort("ErrorCode") != 0) {
                throw ErrorMapper.toException(body.getShort("ErrorCode"), "describe SCRAM credentials: " + body.getString("ErrorMessage"));
            }
            Map<String, Map<ScramMechanism, Integer>> result = new TreeMap<>();
            for (Struct user : body.getArray("Results")) {
                if (user.getShort("ErrorCode") != 0) {
                    throw ErrorMapper.toException(user.getShort("ErrorCode"), user.getString("ErrorMessage"));
                }
                Map<ScramMechanism, Integer> mechanisms = new EnumMap<>(ScramMechanism.class);
                for (Struct info : user.getArray("CredentialInfos")) {
                    ScramMechanism m = ScramMechanism.forType(info.getByte("Mechanism"));
                    if (m != null) {
                        mechanisms.put(m, info.getInt("Iterations"));
                    }
                }
                result.put(user.getString("User"), mechanisms);
            }
            return result;
        });
    }

    /** Sets the user's credential for {@code mechanism} from {@code password} (salted and hashed here). */
    CompletableFuture<Void> upsert(String user, ScramMechanism mechanism, String password, int iterations) {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        byte[] salted = mechanism.saltedPassword(password, salt, iterations);
        return alter(body -> body.addStruct("Upsertions").set("Name", user).set("Mechanism", mechanism.type())
                .set("Iterations", iterations).set("Salt", ByteBuffer.wrap(salt)).set("SaltedPassword", ByteBuffer.wrap(salted)));
    }

    /** Removes the user's credential for {@code mechanism}. */
    CompletableFuture<Void> delete(String user, ScramMechanism mechanism) {
        return alter(body -> body.addStruct("Deletions").set("Name", user).set("Mechanism", mechanism.type()));
    }

    private CompletableFuture<Void> alter(java.util.function.Consumer<Struct> change) {
        return calls.call(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.ALTER_USER_SCRAM_CREDENTIALS.newRequest().set("Deletions", new ArrayList<>())
                    .set("Upsertions", new ArrayList<>());
            change.accept(body);
            return body;
        }, response -> {
            List<Struct> results = response.body().getArray("Results");
            for (Struct result : results) {
                if (result.getShort("ErrorCode") != 0) {
                    throw ErrorMapper.toException(result.getShort("ErrorCode"), result.getString("ErrorMessage"));
                }
            }
            return null;
        });
    }
}
