package dev.sluice.tools.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A failure in words for a user: each message along the cause chain once, and file-system
 * exceptions (whose message is only a path) as "path: permission denied" and the like, never
 * an exception class name. Pure function; any thread.
 */
public final class FailureText {
    private FailureText() {
    }

    public static String of(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String part = plain(t);
            if (part == null || text.indexOf(part) >= 0) {
                continue;
            }
            if (!text.isEmpty()) {
                text.append(": ");
            }
            text.append(part);
        }
        return text.isEmpty() ? "unexpected " + failure.getClass().getSimpleName() + " (a bug: please report it)" : text.toString();
    }

    /** One throwable's own words, without its cause's (null when it has none). */
    static String plain(Throwable t) {
        if (t instanceof FileSystemException f) {
            String file = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": ";
            String reason;
            if (f instanceof NoSuchFileException) {
                reason = "no such file or directory";
            } else if (f instanceof AccessDeniedException) {
                reason = "permission denied";
            } else if (f instanceof FileAlreadyExistsException) {
                reason = "already exists (and is not a directory?)";
            } else if (f instanceof NotDirectoryException) {
                reason = "not a directory";
            } else if (f instanceof DirectoryNotEmptyException) {
                reason = "directory not empty";
            } else {
                reason = f.getReason() == null ? "cannot access it" : lower(f.getReason());
            }
            return file + reason;
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return null;
        }
        // a wrapper whose message is only its cause's toString ("java.io.IOException: ...") adds nothing
        Throwable cause = t.getCause();
        if (cause != null && message.equals(cause.toString())) {
            return null;
        }
        return message;
    }

    private static String lower(String reason) {
        return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }
}
