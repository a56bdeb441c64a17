package org.dftp.ftp;

import java.io.IOException;

/**
 * The node that must carry out a write could not be reached, or said it cannot serve now ({@code 502},
 * {@code 503}): worth trying again later. FTP answers it with {@code 451}.
 */
public final class OwnerUnavailableException extends IOException {
    public OwnerUnavailableException(String message) {
        super(message);
    }

    public OwnerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
