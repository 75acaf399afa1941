package dev.sluice.broker.network;

import org.jctools.queues.MpmcArrayQueue;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers for request frames, reused across requests. Heap frames cost the JDK two copies
 * of every produced byte through its temporary direct buffers (socket read, file write); a direct
 * frame is read into and written from as it is.
 *
 * <p>Frames up to {@link #MAX_POOLED} get a power-of-two direct buffer from 1 KiB up; larger frames
 * (rare) get an unpooled heap buffer of their exact size. One pool is shared by all processors: a
 * lock-free queue per size class, touched once when a frame's size is known and once when its
 * request completes. Sharing is what lets any processor refused by the budget reclaim idle
 * buffers another processor returned.
 *
 * <p><b>Memory accounting.</b> Every buffer's capacity is reserved in the {@link MemoryBudget}
 * ({@code queued.max.request.bytes}) from allocation until it is dropped: in use or idle in the
 * pool. So frames in flight plus idle pooled memory never exceed the budget (except Kafka's one
 * oversized request when nothing else is held); a reservation the budget refuses first evicts idle
 * buffers. Idle memory is also capped by {@code maxIdleBytes}, which alone bounds it when the
 * budget is unlimited.
 *
 * <p><b>Giving memory back.</b> After a burst (or an attack) the pool must not keep its peak:
 * {@link #trimIdle} runs every {@code trimIntervalNanos} and drops idle buffers worth the lowest
 * idle level seen since the previous trim, i.e. memory no request needed during a whole interval.
 * A dropped direct buffer is freed at once ({@code Unsafe.invokeCleaner}) instead of whenever the
 * GC gets to it, so the process' resident memory really shrinks. That is safe because a released
 * buffer is no longer referenced: the contract that the poisoning below checks.
 *
 * <p><b>Debugging use-after-release.</b> With {@code -Dsluice.network.poisonReleasedFrames=true}
 * released buffers are filled with {@link #POISON}, so anything still reading a completed request's
 * frame sees garbage, and a buffer written after its release fails loudly when next acquired.
 */
final class FramePool {
    static final int MIN_POOLED = 1 << 10;
    static final int MAX_POOLED = 1 << 20;
    static final byte POISON = (byte) 0xDE;
    private static final int CLASSES = Integer.numberOfTrailingZeros(MAX_POOLED) - Integer.numberOfTrailingZeros(MIN_POOLED) + 1;
    private static final int MAX_IDLE_PER_CLASS = 1024;
    static final long DEFAULT_TRIM_INTERVAL_NANOS = 30_000_000_000L;

    private final MemoryBudget budget;
    private final long maxIdleBytes;
    private final boolean poison;
    private final MpmcArrayQueue<ByteBuffer>[] idle;
    private final AtomicLong idleBytes = new AtomicLong();
    private final AtomicLong allocated = new AtomicLong(); // buffers ever allocated: steady state keeps it flat
    private final AtomicLong idleLowWater = new AtomicLong(); // least idle bytes since the last trim
    private final AtomicLong nextTrimNanos = new AtomicLong(Long.MIN_VALUE);
    private final long trimIntervalNanos;

    FramePool(MemoryBudget budget, long maxIdleBytes, boolean poison) {
        this(budget, maxIdleBytes, poison, DEFAULT_TRIM_INTERVAL_NANOS);
    }

    @SuppressWarnings("unchecked")
    FramePool(MemoryBudget budget, long maxIdleBytes, boolean poison, long trimIntervalNanos) {
        this.budget = budget;
        this.trimIntervalNanos = trimIntervalNanos;
        this.maxIdleBytes = maxIdleBytes;
        this.poison = poison;
        this.idle = new MpmcArrayQueue[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            long fits = maxIdleBytes / classSize(c);
            this.idle[c] = new MpmcArrayQueue<>((int) Math.max(2, Math.min(MAX_IDLE_PER_CLASS, fits)));
        }
    }

    /** Poisoning as the system property {@code sluice.network.poisonReleasedFrames} says (tests turn it on). */
    static boolean poisonFromSystemProperty() {
        return Boolean.getBoolean("sluice.network.poisonReleasedFrames");
    }

    /**
     * A buffer for a frame of {@code size} bytes (position 0, limit {@code size}), its capacity
     * reserved in the budget; null if the budget has no room even after evicting idle buffers.
     */
    ByteBuffer tryAcquire(int size) {
        if (size > MAX_POOLED) {
            return reserve(size) ? ByteBuffer.allocate(size) : null;
        }
        int c = classOf(size);
        ByteBuffer b = idle[c].poll();
        if (b != null) { // still reserved from when it was in use
            idleLowWater.accumulateAndGet(idleBytes.addAndGet(-b.capacity()), Math::min);
            if (poison) {
                checkStillPoisoned(b);
            }
            return b.clear().limit(size);
        }
        int capacity = classSize(c);
        if (!reserve(capacity)) {
            return null;
        }
        allocated.incrementAndGet();
        return ByteBuffer.allocateDirect(capacity).limit(size);
    }

    /** Takes back a buffer from {@link #tryAcquire}; its holder must not touch it again. */
    void release(ByteBuffer b) {
        int capacity = b.capacity();
        if (!b.isDirect()) { // an oversized frame: never pooled
            budget.release(capacity);
            return;
        }
        if (poison) {
            b.clear();
            for (int i = 0; i < capacity; i++) {
                b.put(i, POISON);
            }
        }
        if (idleBytes.addAndGet(capacity) > maxIdleBytes || !idle[classOf(capacity)].offer(b)) {
            idleBytes.addAndGet(-capacity);
            free(b);
        }
    }

    /**
     * From any processor, often: once per trim interval (whichever thread comes first does it),
     * drops the idle buffers that stayed unused for the whole interval.
     *
     * @return bytes dropped
     */
    long trimIdle(long nowNanos) {
        long due = nextTrimNanos.get();
        if (due != Long.MIN_VALUE && nowNanos - due < 0) {
            return 0;
        }
        if (!nextTrimNanos.compareAndSet(due, nowNanos + trimIntervalNanos)) {
            return 0; // another processor is trimming
        }
        long surplus = due == Long.MIN_VALUE ? 0 : idleLowWater.get();
        long dropped = 0;
        for (int c = CLASSES - 1; c >= 0 && dropped < surplus; c--) {
            while (dropped + classSize(c) <= surplus) {
                ByteBuffer b = idle[c].poll();
                if (b == null) {
                    break;
                }
                idleBytes.addAndGet(-b.capacity());
                dropped += b.capacity();
                free(b);
            }
        }
        idleLowWater.set(idleBytes.get());
        return dropped;
    }

    /** Bytes of buffers waiting in the pool. */
    long idleBytes() {
        return idleBytes.get();
    }

    /** Bytes of buffers handed out and not yet released (exact only when the processors are quiet). */
    long inUseBytes() {
        return budget.used() - idleBytes.get();
    }

    /** Direct buffers allocated since the start. */
    long allocated() {
        return allocated.get();
    }

    /** Reserves {@code bytes}, dropping idle buffers (largest first) while the budget refuses. */
    private boolean reserve(int bytes) {
        while (!budget.tryAcquire(bytes)) {
            if (!evictOne()) {
                return false;
            }
        }
        return true;
    }

    private boolean evictOne() {
        for (int c = CLASSES - 1; c >= 0; c--) {
            ByteBuffer b = idle[c].poll();
            if (b != null) {
                idleLowWater.accumulateAndGet(idleBytes.addAndGet(-b.capacity()), Math::min);
                free(b);
                return true;
            }
        }
        return false;
    }

    /** Gives a dropped buffer's memory back now: to the budget, and (direct) to the operating system. */
    private void free(ByteBuffer b) {
        budget.release(b.capacity());
        if (b.isDirect()) {
            DirectMemory.free(b);
        }
    }

    private static void checkStillPoisoned(ByteBuffer b) {
        for (int i = 0; i < b.capacity(); i++) {
            if (b.get(i) != POISON) {
                throw new IllegalStateException("a released frame buffer was written after its release (byte " + i
                        + " of " + b.capacity() + "): a request's payload was used after the request completed");
            }
        }
    }

    static int classOf(int size) {
        int rounded = Math.max(MIN_POOLED, Integer.highestOneBit(size - 1) << 1);
        return Integer.numberOfTrailingZeros(rounded) - Integer.numberOfTrailingZeros(MIN_POOLED);
    }

    static int classSize(int sizeClass) {
        return MIN_POOLED << sizeClass;
    }
}
