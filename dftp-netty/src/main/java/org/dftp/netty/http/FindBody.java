package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.dftp.core.tree.TreeWalker;

/**
 * {@code /find/}: every entry below a prefix, one path per line, straight from a snapshot. A piece ends
 * after {@link #CHUNK} bytes or after {@link #SCAN_BUDGET} entries looked at, whichever is first, so a
 * sparse search still streams its first match at once instead of after the whole walk.
 */
final class FindBody extends BodySource {
    static final int SCAN_BUDGET = 16_384;

    private final TreeWalker walker;
    private final Glob glob;
    /** The piece being built: encoded into the buffer once per piece, not twice per entry. */
    private final StringBuilder lines = new StringBuilder(CHUNK + 512);

    FindBody(TreeWalker walker, Glob glob) {
        this.walker = walker;
        this.glob = glob;
    }

    @Override
    protected boolean fill(ByteBuf out) {
        lines.setLength(0);
        int scanned = 0;
        boolean done = false;
        while (lines.length() < CHUNK && scanned++ < SCAN_BUDGET) {
            if (!walker.advance()) {
                done = true;
                break;
            }
            if (glob == null || glob.matches(walker.node().name(), walker.path())) {
                lines.append(walker.path()).append('\n');
            }
        }
        out.writeCharSequence(lines, StandardCharsets.UTF_8);
        return done;
    }
}
