package dev.sluice.broker.network;

import dev.sluice.api.security.KafkaPrincipal;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * Who a TLS client is, as Kafka's default principal builder says: {@code User:<mapped subject>} of the
 * certificate it presented, {@code User:ANONYMOUS} without one (ssl.client.auth none, or requested and
 * not given). Stateless.
 */
final class TlsPrincipals {
    private TlsPrincipals() {
    }

    /**
     * @throws IllegalArgumentException when no {@code ssl.principal.mapping.rules} rule applies to the subject
     */
    static KafkaPrincipal of(SSLSession session, SslPrincipalMapper mapper) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return KafkaPrincipal.ANONYMOUS;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            return KafkaPrincipal.ANONYMOUS;
        }
        // RFC 2253 form, as Kafka's X500Principal.getName(): CN=alice,OU=eng,O=Acme
        return KafkaPrincipal.user(mapper.userName(cert.getSubjectX500Principal().getName()));
    }
}
