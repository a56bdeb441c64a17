package org.dftp.core;

/**
 * A DFS path from outside (URL, FTP argument, wire {@code FullName}) that dftp refuses: it escapes the
 * root, holds a NUL or a backslash, is not valid UTF-8, or is too long. The message is safe to show the
 * client; it never echoes more than the offending segment.
 */
public final class BadPathException extends IllegalArgumentException {
    public BadPathException(String message) {
        super(message);
    }
}
