package dev.sluice.broker.group;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the coordinator stores of a group ({@link dev.sluice.api.offset.OffsetStore#storeGroupMetadata})
 * at each generation, so a restarted broker knows its groups and their members:
 * <pre>
 * int8 version 0 | protocolType? | int32 generation | protocolName? | leader? | int64 stateTimestamp
 * | int32 members | per member: memberId | instanceId? | clientId | clientHost | int32 session
 * | int32 rebalance | bytes metadata | bytes assignment
 * </pre>
 * ({@code x?} = a presence flag, then the string if present; strings are modified UTF-8; bytes are int32 length + data.)
 */
final class GroupMetadataCodec {
    private static final byte VERSION = 0;

    private GroupMetadataCodec() {
    }

    /** A stored group: enough to rebuild its members for the current generation. */
    record Snapshot(String protocolType, int generationId, String protocolName, String leaderId, long stateTimestamp,
                    List<StoredMember> members) {
    }

    record StoredMember(String memberId, String groupInstanceId, String clientId, String clientHost,
                        int sessionTimeoutMs, int rebalanceTimeoutMs, byte[] metadata, byte[] assignment) {
    }

    static byte[] encode(ClassicGroup group) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeNullable(out, group.protocolType);
            out.writeInt(group.generationId);
            writeNullable(out, group.protocolName);
            writeNullable(out, group.leaderId);
            out.writeLong(group.stateTimestamp);
            out.writeInt(group.members.size());
            for (GroupMember m : group.members.values()) {
                out.writeUTF(m.memberId);
                writeNullable(out, m.groupInstanceId);
                out.writeUTF(m.clientId);
                out.writeUTF(m.clientHost);
                out.writeInt(m.sessionTimeoutMs);
                out.writeInt(m.rebalanceTimeoutMs);
                writeBytes(out, group.protocolName == null ? new byte[0] : m.metadata(group.protocolName));
                writeBytes(out, m.assignment);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Snapshot decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown group metadata version " + version);
            }
            String protocolType = readNullable(in);
            int generation = in.readInt();
            String protocolName = readNullable(in);
            String leader = readNullable(in);
            long stateTimestamp = in.readLong();
            int count = in.readInt();
            List<StoredMember> members = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                members.add(new StoredMember(in.readUTF(), readNullable(in), in.readUTF(), in.readUTF(), in.readInt(),
                        in.readInt(), readBytes(in), readBytes(in)));
            }
            return new Snapshot(protocolType, generation, protocolName, leader, stateTimestamp, members);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt group metadata: " + e, e);
        }
    }

    /** A group as stored: Empty, or Stable with the stored generation's members (whose sessions start now). */
    static ClassicGroup restore(String groupId, Snapshot snapshot, long now) {
        ClassicGroup group = new ClassicGroup(groupId, snapshot.stateTimestamp());
        synchronized (group) {
            group.generationId = snapshot.generationId();
            group.protocolType = snapshot.protocolType();
            if (!snapshot.members().isEmpty()) {
                group.protocolName = snapshot.protocolName();
                for (StoredMember m : snapshot.members()) {
                    GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                            m.sessionTimeoutMs(), m.rebalanceTimeoutMs(),
                            List.of(new JoinProtocol(snapshot.protocolName(), m.metadata())));
                    member.assignment = m.assignment();
                    group.add(member, snapshot.protocolType());
                }
                if (snapshot.leaderId() != null && group.members.containsKey(snapshot.leaderId())) {
                    group.leaderId = snapshot.leaderId();
                }
                group.transition(GroupState.STABLE, now);
            }
        }
        return group;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }
}
