package org.dftp.netty.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The leak check itself: it must see a buffer that was never released, or every other test proves nothing. */
class NettyLeaksTest {

    @Test
    void unreleasedBufferIsReportedAfterItIsCollected() {
        Assumptions.assumeTrue(NettyLeaks.paranoid(), "the leak detector runs at PARANOID only under surefire");
        NettyLeaks.collect(1); // start clean
        leak();
        List<String> reports = NettyLeaks.collect(20);
        assertFalse(reports.isEmpty(), "a dropped buffer was not reported");
        assertTrue(reports.get(0).contains("LEAK"), reports.get(0));
    }

    @Test
    void releasedBuffersAreNotReported() {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(64).writeLong(1);
        b.release();
        assertTrue(NettyLeaks.collect(2).isEmpty());
    }

    private static void leak() {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(64);
        b.writeLong(42);
        // dropped without release()
    }
}
