package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A blocking Kafka-protocol client for hand-made requests: one request, one response. */
final class RawClient implements AutoCloseable {
    private final SocketChannel channel;
    private int correlationId;

    RawClient(String bootstrap) throws IOException {
        String[] hostPort = bootstrap.split(":");
        channel = SocketChannel.open(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        channel.socket().setSoTimeout(15_000);
    }

    Struct call(ApiKey api, int version, Struct body) throws IOException {
        int id = ++correlationId;
        Send send = RequestWriter.write(new RequestHeader(api, (short) version, id, "raw-client"), body);
        while (!send.completed()) {
            send.writeTo(channel);
        }
        ByteBuffer size = readFully(4);
        ByteBuffer frame = readFully(size.getInt(0));
        ResponseParser.Response response = ResponseParser.parse(frame, api, (short) version);
        if (response.correlationId() != id) {
            throw new IOException("correlation id " + response.correlationId() + ", expected " + id);
        }
        return response.body();
    }

    /** Writes {@code payload} as one size-prefixed frame and reads one frame back (bare SASL tokens after SaslHandshake v0). */
    byte[] rawExchange(byte[] payload) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer size = readFully(4);
        return readFully(size.getInt(0)).array();
    }

    private ByteBuffer readFully(int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("connection closed by the broker");
            }
        }
        return buffer.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
