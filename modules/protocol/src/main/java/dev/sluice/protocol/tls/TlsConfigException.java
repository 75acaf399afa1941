package dev.sluice.protocol.tls;

/** TLS settings that cannot work (a missing keystore, a wrong password, an unknown protocol); the message names the setting. */
public final class TlsConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
