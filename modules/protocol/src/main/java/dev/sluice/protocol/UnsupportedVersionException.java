package dev.sluice.protocol;

/**
 * A request for an API key Sluice does not implement, or a version outside the supported range.
 * The header is always present: every header version starts with apiKey, apiVersion,
 * correlationId and clientId, so the broker can still answer, e.g. ApiVersions with
 * {@link Errors#UNSUPPORTED_VERSION} at version 0.
 */
public final class UnsupportedVersionException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public UnsupportedVersionException(String message, RequestHeader header) {
        super(message, header, null);
    }

    @Override
    public Errors error() {
        return Errors.UNSUPPORTED_VERSION;
    }
}
