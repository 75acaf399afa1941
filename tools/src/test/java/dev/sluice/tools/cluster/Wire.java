package dev.sluice.tools.cluster;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One Kafka request to one broker over a fresh blocking connection, for asking a particular broker
 * what it knows (kafka-clients would pick any broker) or for sending what only a controller sends.
 *
 * <p>Threads: the calling thread; nothing is shared.
 */
final class Wire {
    private Wire() {
    }

    /** Sends {@code body} to {@code address} ({@code host:port}) and returns the answer's body; reads time out after 10 s. */
    static Struct call(String address, ApiKey api, short version, Struct body) throws IOException {
        int colon = address.lastIndexOf(':');
        try (SocketChannel channel = SocketChannel.open()) {
            channel.socket().connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    5_000);
            channel.socket().setSoTimeout(10_000);
            Send send = RequestWriter.write(new RequestHeader(api, version, 1, "process-cluster-probe"), body);
            while (!send.writeTo(channel)) {
                Thread.onSpinWait(); // a blocking channel takes everything; loop only for safety
            }
            DataInputStream in = new DataInputStream(channel.socket().getInputStream());
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            return ResponseParser.parse(ByteBuffer.wrap(frame), api, version).body();
        }
    }
}
