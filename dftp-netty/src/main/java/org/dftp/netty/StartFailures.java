package org.dftp.netty;

import java.io.IOException;

/** How a node's start says what stopped it: one line, the innermost cause, the flag to change. */
public final class StartFailures {
    private StartFailures() {
    }

    /** A listener that cannot bind: its address, the flag that set it, and why ("Address already in use"). */
    public static IOException cannotListen(String flag, HostPort address, Throwable e) {
        return new IOException("cannot listen on " + address + " (" + flag + "): " + rootMessage(e), e);
    }

    /** A file that cannot be opened for writing: the flag that named it, the file, and why ("Permission denied"). */
    public static IOException cannotWrite(String flag, String file, Throwable e) {
        // A FileSystemException's message repeats the file: its reason alone says why.
        String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : rootMessage(e);
        return new IOException("cannot open " + file + " for writing (" + flag + "): " + why, e);
    }

    /** The innermost cause's message, without the native layer's prefix ({@code bind(..) failed with error(-98): }). */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
    }
}
