package dev.sluice.protocol.sasl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SCRAM client against RFC 7677's SCRAM-SHA-256 example, and the JAAS text Kafka's clients are configured with. */
class ScramExchangeTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theClientReproducesRfc7677sExchangeAndChecksTheServerSignature() {
        var client = new SaslClientMechanism.Scram(ScramMechanism.SCRAM_SHA_256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assertThat(new String(client.initialResponse(), StandardCharsets.UTF_8)).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        byte[] last = client.evaluate(utf8("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertThat(new String(last, StandardCharsets.UTF_8)).isEqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertThat(client.evaluate(utf8("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))).isNull();
        assertThat(client.isComplete()).isTrue();
    }

    @Test
    void aServerThatCannotProveTheCredentialsOrShortensTheNonceIsRefused() {
        var forged = new SaslClientMechanism.Scram(ScramMechanism.SCRAM_SHA_256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        forged.initialResponse();
        forged.evaluate(utf8("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertThatThrownBy(() -> forged.evaluate(utf8("v=" + Base64.getEncoder().encodeToString(new byte[32]))))
                .hasMessageContaining("signature is wrong");
        assertThat(forged.isComplete()).isFalse();

        var replay = new SaslClientMechanism.Scram(ScramMechanism.SCRAM_SHA_256, "user", "pencil", "mine");
        replay.initialResponse();
        assertThatThrownBy(() -> replay.evaluate(utf8("r=theirs,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")))
                .hasMessageContaining("nonce");
        var weak = new SaslClientMechanism.Scram(ScramMechanism.SCRAM_SHA_256, "user", "pencil", "mine");
        weak.initialResponse();
        assertThatThrownBy(() -> weak.evaluate(utf8("r=mine2,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1")))
                .hasMessageContaining("iterations");
    }

    @Test
    void namesWithCommasAndEqualsSignsAreEscaped() {
        var first = ScramMessages.ClientFirst.parse(ScramMessages.ClientFirst.of("a,b=c", "n0nce").toBytes());
        assertThat(first.bare()).isEqualTo("n=a=2Cb=3Dc,r=n0nce");
        assertThat(first.username()).isEqualTo("a,b=c");
    }

    @Test
    void jaasConfigGivesTheLoginModuleAndItsOptions() {
        JaasConfig jaas = JaasConfig.parse("org.apache.kafka.common.security.plain.PlainLoginModule required\n"
                + "  username=\"admin\" password=\"a \\\"quoted\\\" secret\" user_alice=alice-secret;");
        assertThat(jaas.loginModule()).isEqualTo(JaasConfig.PLAIN_LOGIN_MODULE);
        assertThat(jaas.options()).containsEntry("username", "admin").containsEntry("password", "a \"quoted\" secret")
                .containsEntry("user_alice", "alice-secret");
        assertThat(jaas.toString()).doesNotContain("secret");
        assertThatThrownBy(() -> JaasConfig.parse("Module required username=\"x\"")).hasMessageContaining("';'");
        assertThatThrownBy(() -> JaasConfig.parse("Module maybe;")).hasMessageContaining("control flag");
        assertThatThrownBy(() -> JaasConfig.parse("Module required password=\"open")).hasMessageContaining("closing quote")
                .hasMessageNotContaining("open");
        assertThatThrownBy(() -> SaslClientSettings.from("SCRAM-SHA-256", jaas.loginModule() + " required username=\"a\" password=\"b\";"))
                .hasMessageContaining("ScramLoginModule");
    }
}
