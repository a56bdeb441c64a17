package org.dftp.it;

import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test after which Netty reports a leaked buffer. The build runs the leak detector at PARANOID
 * (every buffer tracked), but the detector only logs; this catches its reports. After each test it
 * collects garbage and allocates a few buffers, which is when the detector reports what was collected
 * unreleased.
 */
final class LeakWatch extends AppenderBase<ILoggingEvent> implements AfterEachCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        LeakWatch appender = new LeakWatch();
        appender.setName("leak-watch");
        appender.setContext(detector.getLoggerContext());
        appender.start();
        detector.addAppender(appender);
        detector.setLevel(Level.ERROR);
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getFormattedMessage().contains("LEAK")) {
            LEAKS.add(e.getFormattedMessage());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 64; j++) {
                ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            String first = LEAKS.get(0);
            int n = LEAKS.size();
            LEAKS.clear();
            fail(n + " buffer leak(s) reported by Netty, the first:\n" + first);
        }
    }
}
