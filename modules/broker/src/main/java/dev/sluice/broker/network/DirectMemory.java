package dev.sluice.broker.network;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer's native memory now rather than when the GC collects the buffer object:
 * after a burst, dropped pool buffers would otherwise keep the process' resident memory up until
 * a collection happens to run (a quiet heap may not collect for hours). Stateless; any thread.
 *
 * <p>Uses {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}); where it is not
 * available the buffer is simply left to the GC.
 */
final class DirectMemory {
    private static final System.Logger LOG = System.getLogger(DirectMemory.class.getName());
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private DirectMemory() {
    }

    /** Frees {@code buffer}, which nothing may touch afterwards (a use would read freed memory). */
    static void free(ByteBuffer buffer) {
        if (UNSAFE != null && buffer.isDirect()) {
            UNSAFE.invokeCleaner(buffer);
        }
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "direct buffers are freed by the GC only: " + e);
            return null;
        }
    }
}
