package dev.sluice.protocol.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;

/**
 * An {@link SSLContext} built once from {@link TlsSettings}, and the engines and sockets made from
 * it with the settings applied (protocols, cipher suites, client authentication, host name check).
 * Building it reads the keystore and truststore, so a wrong path or password fails at start-up with
 * the setting's name, not at the first connection. Immutable; any thread.
 */
public final class TlsContext {
    private final TlsSettings settings;
    private final SSLContext context;

    private TlsContext(TlsSettings settings, SSLContext context) {
        this.settings = settings;
        this.context = context;
    }

    /**
     * Builds the context.
     *
     * @param server true for a listener: a keystore is then required
     * @throws TlsConfigException naming the setting that is wrong and why
     */
    public static TlsContext create(TlsSettings settings, boolean server) {
        if (server && settings.keystoreLocation() == null) {
            throw new TlsConfigException("ssl.keystore.location is required on a TLS listener (the broker's key and certificate)");
        }
        try {
            KeyManager[] keys = null;
            if (settings.keystoreLocation() != null) {
                String keyPassword = settings.keyPassword() != null ? settings.keyPassword() : settings.keystorePassword();
                KeyStore store = load("ssl.keystore", settings.keystoreType(), settings.keystoreLocation(),
                        settings.keystorePassword(), keyPassword);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(settings.keymanagerAlgorithm());
                try {
                    kmf.init(store, chars(settings.keystoreType().equals("PEM") ? PemStores.ENTRY_PASSWORD : keyPassword));
                } catch (GeneralSecurityException e) {
                    throw new TlsConfigException("ssl.key.password: cannot read the private key in "
                            + settings.keystoreLocation() + " (" + e.getMessage() + ")", e);
                }
                keys = kmf.getKeyManagers();
            }
            TrustManager[] trust = null;
            if (settings.truststoreLocation() != null) {
                KeyStore store = load("ssl.truststore", settings.truststoreType(), settings.truststoreLocation(),
                        settings.truststorePassword(), null);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(settings.trustmanagerAlgorithm());
                tmf.init(store);
                trust = tmf.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance(settings.protocol());
            context.init(keys, trust, null);
            TlsContext built = new TlsContext(settings, context);
            built.configure(context.createSSLEngine(), server); // unknown protocols or cipher suites fail here
            return built;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot set up TLS from " + settings + ": " + e.getMessage(), e);
        }
    }

    public TlsSettings settings() {
        return settings;
    }

    /** An engine for a connection a listener accepted from {@code peer}. */
    public SSLEngine serverEngine(InetSocketAddress peer) {
        SSLEngine engine = peer == null ? context.createSSLEngine()
                : context.createSSLEngine(peer.getHostString(), peer.getPort());
        return configure(engine, true);
    }

    /** An engine for a connection to {@code host:port}; the host is what the server's certificate is checked against. */
    public SSLEngine clientEngine(String host, int port) {
        return configure(context.createSSLEngine(host, port), false);
    }

    /**
     * A connected, blocking TLS socket to {@code host:port} with the handshake done (the blocking inter-broker
     * connections use it).
     */
    public SSLSocket connect(String host, int port, int timeoutMs) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters params = parameters(socket.getSSLParameters(), false);
            socket.setSSLParameters(params);
            socket.setUseClientMode(true);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private SSLEngine configure(SSLEngine engine, boolean server) {
        engine.setUseClientMode(!server);
        engine.setSSLParameters(parameters(engine.getSSLParameters(), server));
        return engine;
    }

    private SSLParameters parameters(SSLParameters params, boolean server) {
        try {
            params.setProtocols(settings.enabledProtocols().toArray(String[]::new));
            if (!settings.cipherSuites().isEmpty()) {
                params.setCipherSuites(settings.cipherSuites().toArray(String[]::new));
            }
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException("ssl.enabled.protocols / ssl.cipher.suites: " + e.getMessage(), e);
        }
        if (server) {
            switch (settings.clientAuth()) {
                case REQUIRED -> params.setNeedClientAuth(true);
                case REQUESTED -> params.setWantClientAuth(true);
                case NONE -> params.setNeedClientAuth(false);
            }
        } else if (!settings.endpointIdentification().isEmpty()) {
            params.setEndpointIdentificationAlgorithm(settings.endpointIdentification());
        }
        return params;
    }

    private static KeyStore load(String prefix, String type, String location, String password, String keyPassword) {
        Path path = Path.of(location);
        try {
            if (type.equals("PEM")) {
                return PemStores.load(prefix, path, keyPassword);
            }
            KeyStore store = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(path)) {
                store.load(in, chars(password));
            }
            return store;
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(prefix + ".location: no such file " + location, e);
        } catch (IOException e) {
            // a wrong password shows as an IOException whose cause is an UnrecoverableKeyException
            throw new TlsConfigException(prefix + ".location: cannot read the " + type + " store " + location + " ("
                    + e.getMessage() + "; wrong " + prefix + ".password or " + prefix + ".type?)", e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(prefix + ".location: cannot read the " + type + " store " + location + " ("
                    + e.getMessage() + ")", e);
        }
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    /** The protocols the JDK supports (for error messages and tests). */
    public static List<String> supportedProtocols() {
        try {
            return Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
        } catch (GeneralSecurityException e) {
            return List.of();
        }
    }
}
