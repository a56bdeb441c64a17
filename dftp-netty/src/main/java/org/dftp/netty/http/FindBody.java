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

    FindBody(TreeWalker walker, Glob glob) {
        this.walker = walker;
        this.glob = glob;
    }

    @Override
    protected boolean fill(ByteBuf out) {
        int scanned = 0;
        while (out.writerIndex() < CHUNK && scanned++ < SCAN_BUDGET) {
            if (!walker.advance()) {
                return true;
            }
            if (glob == null || glob.matches(walker.node().name(), walker.path())) {
                out.writeCharSequence(walker.path(), StandardCharsets.UTF_8);
                out.writeByte('\n');
            }
        }
        return false;
    }
}
