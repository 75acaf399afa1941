package dev.sluice.protocol.tls;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ssl.keystore.type=PEM} / {@code ssl.truststore.type=PEM}, as Kafka reads them from a file: a
 * keystore file holds a PKCS#8 private key ({@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} with
 * {@code ssl.key.password}) and its certificate chain; a truststore file holds certificates. Turned
 * into an in-memory key store. Stateless.
 */
final class PemStores {
    /** The password of the key entry in the in-memory store (never leaves this process). */
    static final String ENTRY_PASSWORD = "sluice-pem";
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "DSA"};

    private PemStores() {
    }

    /** @param keyPassword null for a truststore (certificates only) or an unencrypted key */
    static KeyStore load(String prefix, Path file, String keyPassword) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Certificate> certificates = new ArrayList<>();
        PrivateKey key = null;
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "CERTIFICATE" -> certificates.add(factory.generateCertificate(new ByteArrayInputStream(der)));
                case "PRIVATE KEY" -> key = privateKey(der);
                case "ENCRYPTED PRIVATE KEY" -> key = decrypt(prefix, der, keyPassword);
                default -> throw new TlsConfigException(prefix + ".location: " + file + " holds a '" + m.group(1)
                        + "' block; a PEM store takes PKCS#8 keys (PRIVATE KEY or ENCRYPTED PRIVATE KEY) and CERTIFICATEs");
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsConfigException(prefix + ".location: " + file + " holds no PEM certificate");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        boolean keystore = prefix.equals("ssl.keystore");
        if (keystore) {
            if (key == null) {
                throw new TlsConfigException(prefix + ".location: " + file + " holds no PEM private key");
            }
            store.setKeyEntry("key", key, ENTRY_PASSWORD.toCharArray(), certificates.toArray(Certificate[]::new));
        } else {
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
        }
        return store;
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
        GeneralSecurityException last = null;
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static PrivateKey decrypt(String prefix, byte[] der, String password) throws IOException, GeneralSecurityException {
        if (password == null) {
            throw new TlsConfigException(prefix + ".location: the PEM private key is encrypted; set ssl.key.password");
        }
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
        Cipher cipher = Cipher.getInstance(info.getAlgName());
        cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())), info.getAlgParameters());
        return privateKey(info.getKeySpec(cipher).getEncoded());
    }
}
