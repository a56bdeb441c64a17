package org.dftp.core.local;

import java.io.IOException;

/**
 * The process could not open a file because it has no descriptor left ({@code EMFILE}, or the system none,
 * {@code ENFILE}): not the file's fault, and gone once load goes. Front ends answer it as a temporary
 * refusal ({@code 503} over HTTP) instead of "not found".
 */
public final class OutOfDescriptorsException extends IOException {
    OutOfDescriptorsException(String what, String reason) {
        super(what + ": " + reason);
    }

    /** Whether errno's text says the process ({@code EMFILE}) or the system ({@code ENFILE}, "... in system") ran out. */
    static boolean says(String message) {
        return message != null && message.contains("Too many open files");
    }
}
