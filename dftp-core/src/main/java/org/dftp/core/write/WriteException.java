package org.dftp.core.write;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a write was refused or failed, as one {@link Kind} that each front end maps to its own answer in one
 * place (HTTP: {@code WriteStatus}; FTP: the file system view's replies). The message is for the client:
 * it names the DFS path, never a local one.
 */
public final class WriteException extends IOException {
    /** What went wrong, in the terms a client can act on. */
    public enum Kind {
        /** The source of a move, copy or delete does not exist. */
        NOT_FOUND,
        /** A parent directory is missing or is a file (WebDAV's 409). */
        CONFLICT,
        /** The target exists and the client asked not to overwrite it (412). */
        EXISTS,
        /** A file operation on a directory or the other way round. */
        WRONG_TYPE,
        /** The disk is full or the user's quota is used up (507). */
        NO_SPACE,
        /** The upload is larger than {@code -max-upload-size} (413). */
        TOO_LARGE,
        /** The node may not write there: outside its mount, its own root, or the file system said no (403). */
        FORBIDDEN,
        /** A name the DFS cannot carry, or one reserved for uploads in progress (400). */
        BAD_NAME,
        /** A copy or move whose two ends are on different nodes' disks (502). */
        CROSS_NODE,
        /** Anything else the disk said (500). */
        IO
    }

    private final Kind kind;

    public WriteException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public WriteException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The one translation of what the local file system threw into a kind; {@code what} is the DFS path the
     * message names (the exception's own text names local paths, which stay in the log).
     */
    static WriteException of(IOException e, Object what) {
        if (e instanceof WriteException w) {
            return w;
        }
        if (e instanceof NoSuchFileException) {
            return new WriteException(Kind.NOT_FOUND, "`" + what + "` not found", e);
        }
        if (e instanceof NotDirectoryException) {
            return new WriteException(Kind.CONFLICT, "a parent of `" + what + "` is not a directory", e);
        }
        if (e instanceof FileAlreadyExistsException) {
            return new WriteException(Kind.EXISTS, "`" + what + "` already exists", e);
        }
        if (e instanceof DirectoryNotEmptyException) {
            return new WriteException(Kind.CONFLICT, "`" + what + "` is a directory that is not empty", e);
        }
        if (e instanceof AccessDeniedException) {
            return new WriteException(Kind.FORBIDDEN, "`" + what + "` may not be written here", e);
        }
        String reason = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        if (reason != null && (reason.contains("No space left") || reason.contains("quota"))) {
            return new WriteException(Kind.NO_SPACE, "no space left for `" + what + "`", e);
        }
        return new WriteException(Kind.IO, "cannot write `" + what + "`", e);
    }
}
