package org.dftp.netty.testing;

import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Netty's {@link ResourceLeakDetector} reported a leak during it.
 *
 * <p>The detector reports through its logger at ERROR ({@code LEAK: ...}), and only when a leaked
 * buffer has been garbage-collected and a later allocation polls the detector's queue. So after each
 * test this collects garbage, allocates a few buffers to make the detector look, and fails if a report
 * was logged. Use it with {@code @ExtendWith(NettyLeaks.class)}; the surefire argLine runs the detector at
 * PARANOID, so every buffer is tracked. One collection after each test, and a thorough one after the
 * class, when the test instances and whatever they held are unreachable.
 */
public final class NettyLeaks implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final Capture CAPTURE = install();

    @Override
    public void beforeEach(ExtensionContext context) {
        // A buffer leaked by an earlier test may only now have been collected: never drop its report.
        poke();
        failOn(CAPTURE.drain(), "before " + context.getDisplayName() + " (an earlier test leaked)");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOn(collect(1), "during " + context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // The test instances are gone now, and with them whatever they still referenced.
        failOn(collect(3), "in " + context.getDisplayName());
    }

    private static void failOn(List<String> leaks, String when) {
        if (!leaks.isEmpty()) {
            fail("Netty reported " + leaks.size() + " leak(s) " + when + ":\n" + String.join("\n", leaks));
        }
    }

    /** Runs the garbage collector and the detector up to {@code rounds} times; returns the reports seen. */
    public static List<String> collect(int rounds) {
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < rounds && leaks.isEmpty(); i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            poke();
            leaks.addAll(CAPTURE.drain());
        }
        return leaks;
    }

    /** Whether the detector tracks every buffer, so that a test may rely on a leak being found. */
    public static boolean paranoid() {
        return ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID;
    }

    /** Each tracked allocation makes the detector drain its queue of collected, unreleased buffers. */
    private static void poke() {
        for (int i = 0; i < 4; i++) {
            ByteBuf a = ByteBufAllocator.DEFAULT.buffer(16);
            ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(16);
            ByteBuf c = Unpooled.buffer(16);
            a.release();
            b.release();
            c.release();
        }
    }

    private static Capture install() {
        Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        if (logger.getLevel() == null || !logger.isErrorEnabled()) {
            logger.setLevel(Level.ERROR);
        }
        Capture capture = new Capture();
        capture.setContext(logger.getLoggerContext());
        capture.start();
        logger.addAppender(capture);
        return capture;
    }

    private static final class Capture extends AppenderBase<ILoggingEvent> {
        private final List<String> reports = new ArrayList<>();

        @Override
        protected synchronized void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getFormattedMessage().contains("LEAK")) {
                reports.add(e.getFormattedMessage());
            }
        }

        synchronized List<String> drain() {
            List<String> out = new ArrayList<>(reports);
            reports.clear();
            return out;
        }
    }
}
