package org.dftp.netty.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The leak check itself: it must see a buffer that was never released, or every other test proves nothing. */
class NettyLeaksTest {

    @Test
    void unreleasedBufferIsReportedAfterItIsCollected() {
        Assumptions.assumeTrue(NettyLeaks.paranoid(), "the leak detector runs at PARANOID only under surefire");
        NettyLeaks.collect(1); // start clean
        // The leak is on purpose: keep its report out of the console, where a LEAK line means a real one.
        Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        logger.setAdditive(false);
        try {
            leak();
            List<String> reports = NettyLeaks.collect(20);
            assertFalse(reports.isEmpty(), "a dropped buffer was not reported");
            assertTrue(reports.get(0).contains("LEAK"), reports.get(0));
        } finally {
            logger.setAdditive(true);
        }
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
