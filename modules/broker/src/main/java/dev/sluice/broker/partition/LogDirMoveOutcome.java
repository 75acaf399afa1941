package dev.sluice.broker.partition;

/** What became of a request to move a replica to another log directory (AlterReplicaLogDirs). */
public sealed interface LogDirMoveOutcome {
    /** A future replica is being filled in the directory asked for (also when it already was). */
    record Moving() implements LogDirMoveOutcome { }

    /** The replica is in that directory already (a move elsewhere in progress was cancelled). */
    record AlreadyThere() implements LogDirMoveOutcome { }

    /** The directory is not one of {@code log.dirs}. */
    record UnknownLogDir(String dir) implements LogDirMoveOutcome { }

    /** The directory, or the partition's current one, failed. */
    record LogDirOffline(String reason) implements LogDirMoveOutcome { }

    /** The topic exists but this broker hosts no replica of the partition: the directory is kept for when it does. */
    record NotHosted() implements LogDirMoveOutcome { }

    /** No such topic or partition. */
    record UnknownPartition() implements LogDirMoveOutcome { }
}
