package org.dftp.netty.http;

/** The one way this server makes entity tags: a file's {@code GET}, {@code PROPFIND} and {@code If} agree on it. */
public final class ETags {
    private ETags() {
    }

    /** A strong validator from size and modification time (Unix seconds), as nginx makes them. */
    public static String of(long size, long mtime) {
        return "\"" + Long.toHexString(mtime) + "-" + Long.toHexString(size) + "\"";
    }
}
