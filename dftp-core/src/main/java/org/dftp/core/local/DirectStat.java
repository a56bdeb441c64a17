package org.dftp.core.local;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
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
    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    /** A descriptor that only names a directory to walk from: needs search permission, never read. */
    static final int O_PATH = 010000000;

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    /**
     * The JDK's own handles. Static finals, so that the JIT folds every call into a direct one; their
     * initialization fails, and {@link #AVAILABLE} is false, where the JVM does not open them to us.
     */
    private static final class Native {
        static final Class<?> DISPATCHER = type("sun.nio.fs.UnixNativeDispatcher");
        static final Class<?> ATTRIBUTES = type("sun.nio.fs.UnixFileAttributes");
        static final MethodHandle OPENAT = function("openat", int.class, int.class, byte[].class, int.class, int.class);
        static final MethodHandle CLOSE = function("close", void.class, int.class);
        static final MethodHandle FSTATAT = function("fstatat", void.class, int.class, byte[].class, int.class, ATTRIBUTES)
                .asType(MethodType.methodType(void.class, int.class, byte[].class, int.class, Object.class));
        static final MethodHandle NEW_ATTRIBUTES = newAttributes();
        static final VarHandle MODE = field("st_mode", int.class);
        static final VarHandle SIZE = field("st_size", long.class);
        static final VarHandle MTIME_SEC = field("st_mtime_sec", long.class);
        static final VarHandle MTIME_NSEC = field("st_mtime_nsec", long.class);

        private static Class<?> type(String name) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        private static MethodHandles.Lookup in(Class<?> c) throws IllegalAccessException {
            return MethodHandles.privateLookupIn(c, MethodHandles.lookup());
        }

        private static MethodHandle function(String name, Class<?> returns, Class<?>... parameters) {
            try {
                return in(DISPATCHER).findStatic(DISPATCHER, name, MethodType.methodType(returns, parameters));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private static MethodHandle newAttributes() {
            try {
                return in(ATTRIBUTES).findConstructor(ATTRIBUTES, MethodType.methodType(void.class))
                        .asType(MethodType.methodType(Object.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private static VarHandle field(String name, Class<?> type) {
            try {
                return in(ATTRIBUTES).findVarHandle(ATTRIBUTES, name, type);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Whether this platform and JVM let dftp read attributes this way. */
    static final boolean AVAILABLE = available();

    private static boolean available() {
        try {
            return Native.MTIME_NSEC != null;
        } catch (LinkageError e) {
            // Not Linux/Unix, or sun.nio.fs not opened to us: the public API it is.
            log.debug("Scanner: reading attributes through the public file API: {}",
                    (e.getCause() != null ? e.getCause() : e).toString());
            return false;
        }
    }

    /**
     * {@code openat(AT_FDCWD, path, flags)} through the JDK's dispatcher; only when {@link #AVAILABLE}.
     *
     * @throws IOException with errno's text ("No such file or directory", "Too many levels of symbolic links")
     */
    static int openAbsolute(Path path, int flags) throws IOException {
        return openAt(AT_FDCWD, DiskNames.bytes(path), flags);
    }

    /**
     * {@code openat(dirFd, name, flags)}: one name inside an open directory; only when {@link #AVAILABLE}.
     *
     * @throws IOException with errno's text
     */
    static int openAt(int dirFd, String name, int flags) throws IOException {
        return openAt(dirFd, DiskNames.toDisk(name), flags);
    }

    /** {@code openAt} of a name's bytes on the disk. */
    static int openAt(int dirFd, byte[] name, int flags) throws IOException {
        try {
            return (int) Native.OPENAT.invokeExact(dirFd, name, flags, 0);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Closes a descriptor {@link #openAbsolute} or {@link #openAt} gave. */
    static void closeFd(int fd) {
        try {
            Native.CLOSE.invokeExact(fd);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            log.debug("closing descriptor {} failed: {}", fd, e.toString());
        }
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
            attributes = (Object) Native.NEW_ATTRIBUTES.invokeExact();
            fd = (int) Native.OPENAT.invokeExact(AT_FDCWD, DiskNames.bytes(dir),
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
     * Reads one entry's attributes, not following a link; false when it cannot be read (it vanished).
     * {@code name} is the entry's DFS name ({@link DiskNames}).
     */
    boolean read(String name) {
        try {
            Native.FSTATAT.invokeExact(dirFd, DiskNames.toDisk(name), AT_SYMLINK_NOFOLLOW, attributes);
            return true;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The last read entry's {@code st_mode}: type and permission bits. */
    int mode() {
        return (int) Native.MODE.get(attributes);
    }

    long size() {
        return (long) Native.SIZE.get(attributes);
    }

    /** The last read entry's modification time in Unix seconds, as {@code FileTime.toMillis() / 1000} gives it. */
    long lastModified() {
        long sec = (long) Native.MTIME_SEC.get(attributes);
        long nsec = (long) Native.MTIME_NSEC.get(attributes);
        // The JDK's FileTime holds sec * 10^9 + nsec nanoseconds and rounds toward zero twice on the way to
        // seconds: before 1970, any fraction makes it the next second up.
        return sec < 0 && nsec > 0 ? sec + 1 : sec;
    }

    void close() {
        try {
            Native.CLOSE.invokeExact(dirFd);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            log.debug("Scanner: closing a directory failed: {}", e.toString());
        }
    }
}
