package dev.sluice.client.consumer.group;

import dev.sluice.client.SluiceClientException;
import dev.sluice.client.network.NetworkClient;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Small waiting helpers of the application-thread side of the group code. */
final class Groups {
    private Groups() {
    }

    /** Backs off until {@code deadlineMs} (monotonic ms of {@code network}'s clock). */
    static void sleepUntil(NetworkClient network, long deadlineMs) {
        long left = deadlineMs - network.clockMs();
        if (left > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceClientException("interrupted", e);
            }
        }
    }

    /** Waits for {@code future} until {@code deadlineMs}; false if it is still running then. */
    static boolean await(NetworkClient network, CompletableFuture<?> future, long deadlineMs) {
        long left = deadlineMs - network.clockMs();
        try {
            future.get(Math.max(left, 0), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // done; the caller reads the failure
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException("interrupted", e);
        }
        return true;
    }

    /** The failure of a completed future, unwrapped; null if it succeeded. */
    static Throwable failure(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }
}
