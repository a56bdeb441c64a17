package org.dftp.core.local;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code fstatat(2)} per directory entry, relative to the open directory, through the JDK's own
 * native dispatcher, filling one reused attribute object.
 *
 * <p>Why: the start-up scan reads half a million entries on a JVM that has compiled nothing yet. The
 * public API builds a {@code Path}, an attribute view, a locked secure-stream check, an attribute object,
 * a permission {@code HashSet} and a {@code FileTime} per entry: thousands of bytecodes the interpreter
 * runs and the JIT then compiles while the scan waits for the second core. This path is a few dozen.
 *
 * <p>It needs {@code java.base} to open {@code sun.nio.fs} to dftp ({@code dftp.jar}'s manifest says so;
 * tests pass {@code --add-opens}). Where it is not open, or a future JDK renamed what this uses,
 * {@link #AVAILABLE} is false and the scanner reads attributes through the public API, as before.
 * Instances are not thread-safe: one per directory being read.
 */
final class DirectStat {
    private static final Logger log = LoggerFactory.getLogger(DirectStat.class);

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    private static final MethodHandle OPENAT;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FSTATAT;
    private static final MethodHandle NEW_ATTRIBUTES;
    private static final VarHandle MODE;
    private static final VarHandle SIZE;
    private static final VarHandle MTIME_SEC;
    private static final VarHandle MTIME_NSEC;
    /** How the JDK encodes file names for system calls: the same bytes {@code File.list()} decoded. */
    private static final Charset NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    /** Whether this platform and JVM let dftp read attributes this way. */
    static final boolean AVAILABLE;

    static {
        MethodHandle openat = null;
        MethodHandle close = null;
        MethodHandle fstatat = null;
        MethodHandle newAttributes = null;
        VarHandle mode = null;
        VarHandle size = null;
        VarHandle mtimeSec = null;
        VarHandle mtimeNsec = null;
        boolean available = false;
        try {
            Class<?> dispatcher = Class.forName("sun.nio.fs.UnixNativeDispatcher");
            Class<?> attributes = Class.forName("sun.nio.fs.UnixFileAttributes");
            MethodHandles.Lookup d = MethodHandles.privateLookupIn(dispatcher, MethodHandles.lookup());
            MethodHandles.Lookup a = MethodHandles.privateLookupIn(attributes, MethodHandles.lookup());
            openat = d.findStatic(dispatcher, "openat",
                    MethodType.methodType(int.class, int.class, byte[].class, int.class, int.class));
            close = d.findStatic(dispatcher, "close", MethodType.methodType(void.class, int.class));
            fstatat = d.findStatic(dispatcher, "fstatat",
                            MethodType.methodType(void.class, int.class, byte[].class, int.class, attributes))
                    .asType(MethodType.methodType(void.class, int.class, byte[].class, int.class, Object.class));
            newAttributes = a.findConstructor(attributes, MethodType.methodType(void.class))
                    .asType(MethodType.methodType(Object.class));
            mode = a.findVarHandle(attributes, "st_mode", int.class);
            size = a.findVarHandle(attributes, "st_size", long.class);
            mtimeSec = a.findVarHandle(attributes, "st_mtime_sec", long.class);
            mtimeNsec = a.findVarHandle(attributes, "st_mtime_nsec", long.class);
            available = true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Not Linux/Unix, or sun.nio.fs not opened to us: the public API it is.
            log.debug("Scanner: reading attributes through the public file API: {}", e.toString());
        }
        OPENAT = openat;
        CLOSE = close;
        FSTATAT = fstatat;
        NEW_ATTRIBUTES = newAttributes;
        MODE = mode;
        SIZE = size;
        MTIME_SEC = mtimeSec;
        MTIME_NSEC = mtimeNsec;
        AVAILABLE = available;
    }

    private final int dirFd;
    private final Object attributes;

    private DirectStat(int dirFd, Object attributes) {
        this.dirFd = dirFd;
        this.attributes = attributes;
    }

    /** Opens {@code dir} for reading its entries' attributes; {@link #close} it. Only when {@link #AVAILABLE}. */
    static DirectStat open(Path dir) throws IOException {
        Object attributes;
        int fd;
        try {
            attributes = (Object) NEW_ATTRIBUTES.invokeExact();
            fd = (int) OPENAT.invokeExact(AT_FDCWD, dir.toString().getBytes(NAMES),
                    O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // The dispatcher's UnixException carries errno's text in its message.
            throw new IOException(e.getMessage(), e);
        }
        return new DirectStat(fd, attributes);
    }

    /**
     * Reads one entry's attributes, not following a link; false when it cannot be read (it vanished, or
     * its name does not survive the platform's encoding).
     */
    boolean read(String name) {
        try {
            FSTATAT.invokeExact(dirFd, name.getBytes(NAMES), AT_SYMLINK_NOFOLLOW, attributes);
            return true;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The last read entry's {@code st_mode}: type and permission bits. */
    int mode() {
        return (int) MODE.get(attributes);
    }

    long size() {
        return (long) SIZE.get(attributes);
    }

    /** The last read entry's modification time in Unix seconds, as {@code FileTime.toMillis() / 1000} gives it. */
    long lastModified() {
        long sec = (long) MTIME_SEC.get(attributes);
        long nsec = (long) MTIME_NSEC.get(attributes);
        // The JDK's FileTime holds sec * 10^9 + nsec nanoseconds and rounds toward zero twice on the way to
        // seconds: before 1970, any fraction makes it the next second up.
        return sec < 0 && nsec > 0 ? sec + 1 : sec;
    }

    void close() {
        try {
            CLOSE.invokeExact(dirFd);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            log.debug("Scanner: closing a directory failed: {}", e.toString());
        }
    }
}
