package dev.sluice.broker.testing;

import javax.security.auth.x500.X500Principal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates for TLS tests, made in-process (a small DER writer and the JDK's signature classes, so
 * a test class spends milliseconds, not a keytool start per step) in a directory the test owns: a test
 * certificate authority, PKCS12 keystores for a broker (CN=localhost, SAN localhost and 127.0.0.1) and for
 * clients signed by it, a truststore holding the authority, a client certificate that expired
 * yesterday and a certificate authority nobody trusts. Every store's password is {@link #PASSWORD}.
 *
 * <p>Threads: build once per test class, then read from any thread ({@link #client} is synchronized).
 */
public final class TestCertificates {
    public static final String PASSWORD = "test-secret";
    public static final String TYPE = "PKCS12";
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffff_ffffL);
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Map<String, Path> stores = new HashMap<>();
    private final Map<String, Issued> issued = new HashMap<>();

    /** A key pair and its certificate chain (leaf first). */
    private record Issued(KeyPair keys, X509Certificate[] chain) {
    }

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes the authority, the broker's keystore ({@code broker}), the shared truststore ({@code truststore}),
     * a client {@code alice} (CN=alice,OU=eng,O=Sluice), an expired client {@code expired}, and a truststore of
     * another authority ({@code untrusted-truststore}) plus a broker keystore signed by it ({@code rogue-broker}).
     */
    public static TestCertificates create(Path dir) {
        TestCertificates certs = new TestCertificates(dir);
        try {
            certs.authority("ca", "CN=Sluice Test CA");
            certs.stores.put("truststore", certs.truststore("truststore", "ca"));
            certs.stores.put("broker", certs.signed("broker", "ca", "CN=localhost,O=Sluice", true, false));
            certs.stores.put("alice", certs.signed("alice", "ca", "CN=alice,OU=eng,O=Sluice", false, false));
            certs.stores.put("expired", certs.signed("expired", "ca", "CN=expired,O=Sluice", false, true));
            certs.authority("rogue-ca", "CN=Rogue CA");
            certs.stores.put("untrusted-truststore", certs.truststore("untrusted-truststore", "rogue-ca"));
            certs.stores.put("rogue-broker", certs.signed("rogue-broker", "rogue-ca", "CN=localhost,O=Rogue", true, false));
            Files.writeString(certs.caPem(), pem("CERTIFICATE", certs.issued.get("ca").chain()[0].getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return certs;
    }

    /** A keystore or truststore made by {@link #create}. */
    public Path store(String name) {
        Path p = stores.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no store " + name + " in " + stores.keySet());
        }
        return p;
    }

    /** A client keystore signed by the test authority with subject {@code dname} (made on first use). */
    public synchronized Path client(String name, String dname) {
        return stores.computeIfAbsent(name, n -> {
            try {
                return signed(n, "ca", dname, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The test authority's certificate, PEM (kcat's ssl.ca.location). */
    public Path caPem() {
        return dir.resolve("ca.crt");
    }

    /** A store's certificate chain and unencrypted PKCS#8 private key as PEM files (kcat's ssl.certificate/key.location). */
    public synchronized Path[] pem(String name) {
        store(name);
        Issued i = issued.get(name);
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        try {
            StringBuilder chain = new StringBuilder();
            for (X509Certificate c : i.chain()) {
                chain.append(pem("CERTIFICATE", c.getEncoded()));
            }
            Files.writeString(cert, chain);
            Files.writeString(key, pem("PRIVATE KEY", i.keys().getPrivate().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return new Path[] {cert, key};
    }

    /** Kafka client settings trusting the test authority, optionally with a client keystore (mutual TLS). */
    public Map<String, String> clientSettings(String keystore) {
        Map<String, String> m = new HashMap<>();
        m.put("security.protocol", "SSL");
        m.put("ssl.truststore.location", store("truststore").toString());
        m.put("ssl.truststore.password", PASSWORD);
        m.put("ssl.truststore.type", TYPE);
        if (keystore != null) {
            m.put("ssl.keystore.location", store(keystore).toString());
            m.put("ssl.keystore.password", PASSWORD);
            m.put("ssl.keystore.type", TYPE);
        }
        return m;
    }

    /** Broker settings for its TLS listeners: the broker keystore, the shared truststore. */
    public Map<String, String> brokerSettings() {
        Map<String, String> m = new HashMap<>();
        m.put("ssl.keystore.location", store("broker").toString());
        m.put("ssl.keystore.password", PASSWORD);
        m.put("ssl.keystore.type", TYPE);
        m.put("ssl.truststore.location", store("truststore").toString());
        m.put("ssl.truststore.password", PASSWORD);
        m.put("ssl.truststore.type", TYPE);
        return m;
    }

    // ---- making them ----

    private void authority(String name, String dname) throws GeneralSecurityException, IOException {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X509Certificate cert = certificate(dname, keys, dname, keys.getPrivate(), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)), true, false);
        issued.put(name, new Issued(keys, new X509Certificate[] {cert}));
    }

    private Path truststore(String name, String authority) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(TYPE);
        store.load(null, null);
        store.setCertificateEntry(authority, issued.get(authority).chain()[0]);
        return save(name, store);
    }

    /** A key pair signed by {@code authority}; {@code expired}: valid for a day that ended yesterday. */
    private Path signed(String name, String authority, String dname, boolean server, boolean expired)
            throws GeneralSecurityException, IOException {
        Issued ca = issued.get(authority);
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        Instant from = expired ? now.minus(Duration.ofDays(3)) : now.minus(Duration.ofDays(1));
        Instant to = expired ? now.minus(Duration.ofDays(2)) : now.plus(Duration.ofDays(30));
        X509Certificate cert = certificate(dname, keys, ca.chain()[0].getSubjectX500Principal().getName(),
                ca.keys().getPrivate(), from, to, false, server);
        X509Certificate[] chain = {cert, ca.chain()[0]};
        issued.put(name, new Issued(keys, chain));
        KeyStore store = KeyStore.getInstance(TYPE);
        store.load(null, null);
        store.setKeyEntry(name, keys.getPrivate(), PASSWORD.toCharArray(), chain);
        return save(name, store);
    }

    private Path save(String name, KeyStore store) throws GeneralSecurityException, IOException {
        Path file = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** An X.509 v3 certificate, ecdsa-with-SHA256, written in DER by hand (RFC 5280, section 4.1). */
    private static X509Certificate certificate(String subject, KeyPair keys, String issuer, PrivateKey issuerKey,
                                               Instant notBefore, Instant notAfter, boolean ca, boolean server)
            throws GeneralSecurityException, IOException {
        byte[] ecdsaWithSha256 = seq(oid(1, 2, 840, 10045, 4, 3, 2));
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        if (ca) { // basicConstraints, critical, cA TRUE
            extensions.write(seq(oid(2, 5, 29, 19), tlv(0x01, new byte[] {(byte) 0xff}),
                    tlv(0x04, seq(tlv(0x01, new byte[] {(byte) 0xff})))));
        }
        if (server) { // subjectAltName: DNS localhost, IP 127.0.0.1
            extensions.write(seq(oid(2, 5, 29, 17), tlv(0x04, seq(
                    tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)),
                    tlv(0x87, InetAddress.getByName("127.0.0.1").getAddress())))));
        }
        byte[] tbs = seq(
                tlv(0xa0, tlv(0x02, new byte[] {2})), // version v3
                tlv(0x02, BigInteger.valueOf(SERIALS.incrementAndGet()).toByteArray()),
                ecdsaWithSha256,
                new X500Principal(issuer).getEncoded(),
                seq(utcTime(notBefore), utcTime(notAfter)),
                new X500Principal(subject).getEncoded(),
                keys.getPublic().getEncoded(),
                extensions.size() == 0 ? new byte[0] : tlv(0xa3, seq(extensions.toByteArray())));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKey);
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1]; // no unused bits
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] der = seq(tbs, ecdsaWithSha256, tlv(0x03, bitString));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] utcTime(Instant t) {
        return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] oid(int... arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(40 * arcs[0] + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int v = arcs[i];
            int shift = 28;
            while (shift > 0 && (v >>> shift) == 0) {
                shift -= 7;
            }
            for (; shift > 0; shift -= 7) {
                out.write(0x80 | ((v >>> shift) & 0x7f));
            }
            out.write(v & 0x7f);
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
