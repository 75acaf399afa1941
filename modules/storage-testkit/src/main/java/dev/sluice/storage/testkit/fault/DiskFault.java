package dev.sluice.storage.testkit.fault;

import java.io.IOException;

/**
 * The switch of a simulated failing disk: while {@link #fail() failing}, every I/O a storage does
 * through a {@link FaultyFileSystem} (or a backend's own hook) throws, as a dead or full disk's
 * would. Thread-safe: tests flip it while storage threads run.
 */
public final class DiskFault {
    private volatile boolean failing;

    /** From now on every I/O fails. */
    public void fail() {
        failing = true;
    }

    /** The disk works again (for closing and reopening after a test). */
    public void heal() {
        failing = false;
    }

    public boolean failing() {
        return failing;
    }

    /** Throws the simulated failure if the disk is failing; {@code operation} names the call. */
    public void check(String operation) throws IOException {
        if (failing) {
            throw new IOException("simulated disk failure: " + operation + " (Input/output error)");
        }
    }
}
