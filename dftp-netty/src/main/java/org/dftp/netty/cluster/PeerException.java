package org.dftp.netty.cluster;

/** A peer could not be reached, answered with an error status, or answered something unreadable. */
public final class PeerException extends RuntimeException {
    private final int status;

    PeerException(String message, int status, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
    }

    PeerException(String message, int status) {
        this(message, status, null);
    }

    /** The HTTP status the peer answered, or 0 when it did not answer. */
    public int status() {
        return status;
    }
}
