/**
 * The broker's network layer, protocol-agnostic: it moves {@code int32 size | payload} frames in
 * and {@link dev.sluice.protocol.Send}s out.
 *
 * <p>Map: {@link dev.sluice.broker.network.SocketServer} (lifecycle) owns one {@code Acceptor}
 * thread, {@code num.network.threads} {@code Processor}s (one selector each; a {@code Connection}
 * per socket, framed by a {@code FrameReader}) and a {@code RequestHandlerPool} fed through the
 * bounded {@code RequestChannel}. A {@link dev.sluice.broker.network.NetworkRequest} goes to the
 * {@link dev.sluice.broker.network.RequestHandler}; its completion comes back to the owning
 * processor through that processor's event queue, which writes responses in request order.
 * Frames are read into direct buffers from the shared {@code FramePool}; a request's buffer goes
 * back to the pool when the request is completed.
 *
 * <p>Backpressure: a connection is not read while it has {@code maxInFlightPerConnection}
 * unanswered requests, while its next request cannot enter the full handler queue, or while the
 * {@code MemoryBudget} ({@code queued.max.request.bytes}) has no room for its next frame's buffer
 * (frames in use and idle pooled buffers both count against it).
 *
 * <p>Hostile or broken clients (issue 19.5): a frame's buffer is taken only once its payload has
 * started to arrive, a frame must arrive within {@code socket.request.receive.timeout.ms}, idle
 * pooled buffers are trimmed and freed, and a failing accept (EMFILE) pauses the {@code Acceptor}.
 */
package dev.sluice.broker.network;
