package org.dftp.core.access;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log of {@code -access-log}: a bounded queue that any thread adds lines to without waiting, and
 * one thread of its own that writes them to the file (or standard output for {@code -}). A full queue drops
 * the line and counts it ({@link #dropped}): a slow disk costs lines, never an event loop's time. The writer
 * flushes whenever the queue runs empty and at least every {@value #FLUSH_MILLIS} ms under a steady stream,
 * so a line is visible within about a second.
 *
 * <p>{@link #log} is called from event loops and FTP transfer threads; everything else runs on the writer
 * thread, or on the thread that opens and closes the log.
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    /** No access log: {@link #log} drops every line, {@link #enabled} is false so nobody formats one. */
    public static final AccessLog OFF = new AccessLog();

    /** Lines waiting for the writer at the most: some megabytes, seconds of a busy node's requests. */
    static final int CAPACITY = 64 * 1024;
    static final long FLUSH_MILLIS = 500;
    /** How often, at the most, the writer says that lines were dropped. */
    static final long DROP_REPORT_MILLIS = 60_000;
    /** Tells the writer to write what is queued before it, then stop. */
    private static final String STOP = new String("stop");

    private final BlockingQueue<String> queue;
    private final OutputStream out;
    private final boolean closesOut;
    private final String name;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private AccessLog() {
        this.queue = null;
        this.out = null;
        this.closesOut = false;
        this.name = "off";
        this.writer = null;
        this.closed = true;
    }

    private AccessLog(OutputStream out, boolean closesOut, String name) {
        this.queue = new ArrayBlockingQueue<>(CAPACITY);
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.closesOut = closesOut;
        this.name = name;
        this.writer = new Thread(this::write, "dftp-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens {@code target} for appending, creating it if need be; {@code -} is standard output.
     *
     * @throws IOException when the file cannot be opened for writing
     */
    public static AccessLog open(String target) throws IOException {
        if (target.equals("-")) {
            return new AccessLog(System.out, false, "standard output");
        }
        OutputStream file = Files.newOutputStream(Path.of(target), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new AccessLog(file, true, target);
    }

    /** A log into {@code out}, which it closes when closed; for embedders and tests. */
    public static AccessLog to(OutputStream out) {
        return new AccessLog(out, true, "the access log's stream");
    }

    /** Whether lines are written at all: callers skip the formatting when not. */
    public boolean enabled() {
        return this != OFF;
    }

    /** Queues {@code line} (without its line end); never waits. Any thread. */
    public void log(AccessLine line) {
        if (closed) {
            return;
        }
        if (!queue.offer(line.format())) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the writer fell behind by {@value #CAPACITY} lines. */
    public long dropped() {
        return dropped.get();
    }

    /** The writer thread's loop. */
    private void write() {
        long lastFlush = System.nanoTime();
        long reportedDrops = 0;
        long lastReport = 0;
        boolean failing = false;
        boolean unflushed = false;
        while (true) {
            String line;
            try {
                line = queue.poll(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                line = STOP;
            }
            boolean stop = line == STOP;
            try {
                if (line != null && !stop) {
                    out.write(line.getBytes(StandardCharsets.ISO_8859_1));
                    out.write('\n');
                    unflushed = true;
                }
                long now = System.nanoTime();
                if (unflushed && (stop || queue.isEmpty()
                        || now - lastFlush >= TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS))) {
                    unflushed = false;
                    out.flush();
                    lastFlush = now;
                }
                failing = false;
            } catch (IOException e) {
                if (!failing) {
                    log.warn("Access log: writing to {} failed: {}", name, e.getMessage());
                }
                failing = true;
            }
            long drops = dropped.get();
            long nowMillis = System.currentTimeMillis();
            if (drops != reportedDrops && nowMillis - lastReport >= DROP_REPORT_MILLIS) {
                log.warn("Access log: {} line(s) dropped so far, {} did not keep up", drops, name);
                reportedDrops = drops;
                lastReport = nowMillis;
            }
            if (stop) {
                break;
            }
        }
        if (closesOut) {
            try {
                out.close();
            } catch (IOException e) {
                log.warn("Access log: closing {} failed: {}", name, e.getMessage());
            }
        }
    }

    /** Writes what is queued, flushes and closes the file; waits a few seconds at the most. */
    @Override
    public void close() {
        if (writer == null || closed) {
            return;
        }
        closed = true;
        try {
            if (!queue.offer(STOP, 2, TimeUnit.SECONDS)) {
                writer.interrupt();
            }
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
