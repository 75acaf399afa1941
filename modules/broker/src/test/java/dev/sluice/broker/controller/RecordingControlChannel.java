package dev.sluice.broker.controller;

import java.util.ArrayList;
import java.util.List;

/** A {@link ControlChannel} that keeps what was sent, in order, for assertions. Test thread only. */
final class RecordingControlChannel implements ControlChannel {

    record Sent(int brokerId, ControlMessage message) {
    }

    final List<Sent> sent = new ArrayList<>();
    final List<Integer> removed = new ArrayList<>();

    @Override
    public void send(int brokerId, ControlMessage message) {
        sent.add(new Sent(brokerId, message));
    }

    @Override
    public void brokerRemoved(int brokerId) {
        removed.add(brokerId);
    }

    <T extends ControlMessage> List<T> to(int brokerId, Class<T> type) {
        List<T> result = new ArrayList<>();
        for (Sent s : sent) {
            if (s.brokerId() == brokerId && type.isInstance(s.message())) {
                result.add(type.cast(s.message()));
            }
        }
        return result;
    }

    void clear() {
        sent.clear();
        removed.clear();
    }
}
