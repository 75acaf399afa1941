package dev.sluice.protocol.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * TLS over a non-blocking socket with the JDK's {@link SSLEngine}: {@link #handshake()} until it
 * answers true, then {@link #read} plaintext and {@link #write} plaintext, which goes out encrypted.
 * Neither call blocks: a read answers what decrypts now (0 if nothing), a write encrypts what fits a
 * record and the socket takes; encrypted bytes the socket did not take wait in the channel
 * ({@link #hasPendingOutput()}, sent by {@link #flush()} or the next write), so the caller keeps
 * asking for OP_WRITE while they do. Decrypted bytes the caller has not taken yet, and whole records
 * read but not decrypted, wait too ({@link #hasBufferedInput()}): the selector will not report
 * those as readable, so the caller must read again without waiting for it.
 *
 * <p>A file region sent through {@code FileChannel.transferTo} to this channel goes the JDK's
 * copying way (read into a buffer, then {@link #write(ByteBuffer)}): zero copy is impossible when
 * every byte must be encrypted.
 *
 * <p>Buffers come from a {@link TlsBufferPool} while they hold bytes and go back when empty.
 * Threads: not thread-safe; one owner thread (the one owning the socket and the pool).
 */
public final class TlsChannel implements ByteChannel, GatheringByteChannel {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel socket;
    private final SSLEngine engine;
    private final TlsBufferPool pool;
    private final ByteBuffer[] single = new ByteBuffer[1];
    /** Ciphertext read from the socket, not yet decrypted (write mode: position = bytes held); null when empty. */
    private ByteBuffer netIn;
    /** Plaintext decrypted, not yet taken by a read (write mode); null when empty. */
    private ByteBuffer appIn;
    /** Ciphertext produced, not yet taken by the socket (write mode); null when empty. */
    private ByteBuffer netOut;
    /** The last unwrap needed more bytes: netIn holds only part of a record. */
    private boolean partialRecord;
    private boolean handshakeStarted;
    private boolean handshakeDone;
    private boolean inboundDone;
    private int applicationBufferSize;

    public TlsChannel(SocketChannel socket, SSLEngine engine, TlsBufferPool pool) {
        this.socket = socket;
        this.engine = engine;
        this.pool = pool;
    }

    /**
     * Moves the handshake on as far as the socket allows.
     *
     * @return true once it is complete (then read and write may be used)
     * @throws SSLException  the handshake failed (untrusted or expired certificate, no common protocol,
     *                       not TLS at all); an alert was sent if the socket took it
     * @throws EOFException  the peer closed the connection during the handshake
     */
    public boolean handshake() throws IOException {
        if (handshakeDone) {
            return true;
        }
        try {
            if (!handshakeStarted) { // an engine not told to begin reports NOT_HANDSHAKING
                handshakeStarted = true;
                engine.beginHandshake();
            }
            while (true) {
                if (!flush()) {
                    return false;
                }
                HandshakeStatus status = engine.getHandshakeStatus();
                switch (status) {
                    case NOT_HANDSHAKING, FINISHED -> {
                        handshakeDone = true;
                        applicationBufferSize = engine.getSession().getApplicationBufferSize();
                        releaseEmpty();
                        return true;
                    }
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> wrapHandshake();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrapHandshake()) {
                            releaseEmpty();
                            return false;
                        }
                    }
                }
            }
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    public boolean isHandshakeComplete() {
        return handshakeDone;
    }

    /** The TLS session: the peer's certificates once the handshake is complete. */
    public SSLSession session() {
        return engine.getSession();
    }

    private void wrapHandshake() throws IOException {
        netOut = netOut != null ? netOut : pool.take(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(EMPTY, netOut);
        switch (r.getStatus()) {
            case OK -> {
            }
            case CLOSED -> {
                flush(); // the engine failed or was closed: this is its alert
                throw new SSLHandshakeException("the TLS handshake was closed");
            }
            case BUFFER_OVERFLOW -> throw new SSLException("a TLS handshake record larger than " + netOut.capacity() + " bytes");
            case BUFFER_UNDERFLOW -> throw new SSLException("TLS wrap underflow during the handshake");
        }
    }

    /** One unwrap of handshake bytes; false when the socket has nothing more now. */
    private boolean unwrapHandshake() throws IOException {
        if (needsSocketBytes()) {
            int n = readSocket();
            if (n < 0) {
                throw new EOFException("the peer closed the connection during the TLS handshake");
            }
            if (n == 0) {
                return false;
            }
        }
        appIn = appIn != null ? appIn : pool.take(engine.getSession().getApplicationBufferSize());
        SSLEngineResult r = unwrap(appIn);
        switch (r.getStatus()) {
            case OK -> {
            }
            case BUFFER_UNDERFLOW -> underflow();
            case BUFFER_OVERFLOW -> throw new SSLException("TLS data before the handshake ended overflows its buffer");
            case CLOSED -> throw new SSLHandshakeException("the peer closed TLS during the handshake");
        }
        return true;
    }

    /** Reads plaintext: what is buffered, then what decrypts from the socket now; -1 at the peer's close. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!handshakeDone) {
            throw new IllegalStateException("TLS handshake not complete");
        }
        int total = drainAppIn(dst);
        while (dst.hasRemaining() && !inboundDone) {
            if (needsSocketBytes()) {
                int n = readSocket();
                if (n < 0) {
                    inboundDone = true; // EOF without close_notify: the peer is gone either way
                    break;
                }
                if (n == 0) {
                    break;
                }
            }
            // a large read target (a request frame) takes the plaintext directly: one copy less
            boolean direct = appIn == null && dst.remaining() >= applicationBufferSize;
            ByteBuffer target = direct ? dst : (appIn != null ? appIn : (appIn = pool.take(applicationBufferSize)));
            SSLEngineResult r = unwrap(target);
            total += direct ? r.bytesProduced() : drainAppIn(dst);
            switch (r.getStatus()) {
                case OK -> afterPostHandshakeMessage(r.getHandshakeStatus());
                case BUFFER_UNDERFLOW -> underflow();
                case BUFFER_OVERFLOW -> {
                    if (direct) { // the session's record size grew: go through the buffer
                        appIn = pool.take(Math.max(applicationBufferSize, engine.getSession().getApplicationBufferSize()));
                    }
                }
                case CLOSED -> inboundDone = true;
            }
        }
        releaseEmpty();
        return total == 0 && inboundDone && appIn == null ? -1 : total;
    }

    /** Encrypts and sends as much of {@code src} as fits now; the number of plaintext bytes taken. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        single[0] = src;
        try {
            return (int) write(single, 0, 1);
        } finally {
            single[0] = null;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * Encrypts and sends as much as fits now, a record (up to 16 KiB of plaintext) at a time, while the
     * socket takes each whole record; the number of plaintext bytes taken (they may still wait in
     * {@link #hasPendingOutput()}).
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!handshakeDone) {
            throw new IllegalStateException("TLS handshake not complete");
        }
        if (!flush()) {
            return 0;
        }
        long consumed = 0;
        while (hasRemaining(srcs, offset, length)) {
            netOut = netOut != null ? netOut : pool.take(engine.getSession().getPacketBufferSize());
            SSLEngineResult r = engine.wrap(srcs, offset, length, netOut);
            consumed += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS connection closed");
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                throw new SSLException("a TLS record larger than " + netOut.capacity() + " bytes");
            }
            if (!flush()) {
                break;
            }
        }
        return consumed;
    }

    /** Writes pending ciphertext; true when none is left. */
    public boolean flush() throws IOException {
        if (netOut == null) {
            return true;
        }
        netOut.flip();
        try {
            socket.write(netOut);
        } finally {
            netOut.compact();
        }
        if (netOut.position() == 0) {
            pool.give(netOut);
            netOut = null;
            return true;
        }
        return false;
    }

    /** Ciphertext the socket has not taken yet: keep asking for OP_WRITE. */
    public boolean hasPendingOutput() {
        return netOut != null;
    }

    /** Plaintext, or whole records, a read can deliver without the socket: read again without waiting for OP_READ. */
    public boolean hasBufferedInput() {
        return appIn != null || (netIn != null && !partialRecord);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /**
     * Sends close_notify if the socket takes it at once, gives the buffers back and closes the socket.
     * Idempotent.
     */
    @Override
    public void close() throws IOException {
        try {
            if (socket.isOpen() && handshakeDone && !engine.isOutboundDone()) {
                engine.closeOutbound();
                sendAlert();
            }
        } finally {
            releaseAll();
            socket.close();
        }
    }

    /** Returns every buffer to the pool (the connection is gone); the channel must not be used afterwards. */
    public void releaseAll() {
        if (netIn != null) {
            pool.give(netIn);
            netIn = null;
        }
        if (appIn != null) {
            pool.give(appIn);
            appIn = null;
        }
        if (netOut != null) {
            pool.give(netOut);
            netOut = null;
        }
    }

    // ---- internals ----

    private boolean needsSocketBytes() {
        return netIn == null || netIn.position() == 0 || partialRecord;
    }

    private int readSocket() throws IOException {
        netIn = netIn != null ? netIn : pool.take(engine.getSession().getPacketBufferSize());
        int n = socket.read(netIn);
        if (n > 0) {
            partialRecord = false;
        }
        return n;
    }

    private SSLEngineResult unwrap(ByteBuffer target) throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, target);
        } finally {
            netIn.compact();
        }
    }

    private void underflow() throws SSLException {
        partialRecord = true;
        if (!netIn.hasRemaining()) { // the buffer is full and still not a whole record
            throw new SSLException("a TLS record larger than " + netIn.capacity() + " bytes");
        }
    }

    /** After a post-handshake message (TLS 1.3 key update, ticket; 1.2 renegotiation): run tasks, send replies. */
    private void afterPostHandshakeMessage(HandshakeStatus status) throws IOException {
        HandshakeStatus s = status;
        while (s == HandshakeStatus.NEED_TASK || s == HandshakeStatus.NEED_WRAP) {
            if (s == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else {
                netOut = netOut != null ? netOut : pool.take(engine.getSession().getPacketBufferSize());
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break; // no room now: the next write or flush carries on
                }
            }
            s = engine.getHandshakeStatus();
        }
        flush();
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run(); // on the I/O thread: certificate checks are short next to a round trip
        }
    }

    /** Best effort: wrap what the engine has to say (an alert, close_notify) and offer it to the socket once. */
    private void sendAlert() {
        try {
            netOut = netOut != null ? netOut : pool.take(TlsBufferPool.BUFFER_SIZE);
            engine.wrap(EMPTY, netOut);
            flush();
        } catch (IOException | RuntimeException ignored) {
            // the connection is being given up: nothing more to tell
        }
    }

    private int drainAppIn(ByteBuffer dst) {
        if (appIn == null) {
            return 0;
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        if (n == appIn.remaining()) {
            dst.put(appIn);
        } else {
            int limit = appIn.limit();
            appIn.limit(appIn.position() + n);
            dst.put(appIn);
            appIn.limit(limit);
        }
        appIn.compact();
        if (appIn.position() == 0) {
            pool.give(appIn);
            appIn = null;
        }
        return n;
    }

    private void releaseEmpty() {
        if (netIn != null && netIn.position() == 0) {
            pool.give(netIn);
            netIn = null;
            partialRecord = false;
        }
        if (appIn != null && appIn.position() == 0) {
            pool.give(appIn);
            appIn = null;
        }
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
