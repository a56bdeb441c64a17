package org.dftp.core.wire;

/**
 * An update body that cannot be decoded: malformed JSON, a wrong type at the top level, a missing
 * sender, or more than the parser accepts. The message is safe to show the sender; the management API
 * answers it as {@code 400 Error decoding json: <message>}.
 */
public final class BadUpdateException extends IllegalArgumentException {
    public BadUpdateException(String message) {
        super(message);
    }

    public BadUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
