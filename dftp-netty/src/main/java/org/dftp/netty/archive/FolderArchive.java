package org.dftp.netty.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.TreeWalker;

/**
 * One folder of one tree snapshot as a zip or tar archive: every directory (empty ones too) and every file
 * below it, by the tree's order, named relative to the folder with {@code /}, dated as the tree says.
 * Each file is opened, copied and closed before the next: memory stays constant for any size and count.
 *
 * <p>ZIP: Commons Compress on a non-seekable stream, ZIP64 as needed (past 4 GiB or 65,535 entries).
 * STORED would need each file's CRC before its bytes, that is reading it twice; so files go DEFLATED at
 * level 0 with data descriptors: the deflater only frames the bytes in stored blocks (5 bytes per 64 KiB),
 * which costs about a copy, where level 1 costs several times that for content that is mostly compressed
 * already (photos, video, archives). Each entry's size is set from the tree, so the ZIP64 extra (and the
 * 8-byte data descriptor) appears only for files of 4 GiB or more, as the JDK's {@code ZipInputStream}
 * expects. TAR: POSIX (pax) headers for names over 100 bytes, non-ASCII names and sizes over 8 GiB.
 *
 * <p>A file that cannot be copied whole, missing, shorter than the tree says or whose owner fails,
 * ends the archive with a {@link Broken}: the caller must make the download fail, never end it.
 */
public final class FolderArchive {
    private static final int COPY_BUFFER = 64 * 1024;

    /** The archive formats, by their {@code ?format=} value. */
    public enum Format {
        ZIP("zip", "application/zip"),
        TAR("tar", "application/x-tar");

        /** The {@code ?format=} value, and the end of the archive's file name. */
        public final String extension;
        public final String contentType;

        Format(String extension, String contentType) {
            this.extension = extension;
            this.contentType = contentType;
        }

        /** The format a {@code ?format=} value names, or null when it names none of these. */
        public static Format of(String param) {
            for (Format f : values()) {
                if (f.extension.equals(param)) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * A file that could not be put whole into the archive: the archive must not look complete. The message
     * says what went wrong with {@link #file()}.
     */
    public static final class Broken extends IOException {
        private final DfsPath file;

        Broken(DfsPath file, String why, Throwable cause) {
            super(why, cause);
            this.file = file;
        }

        public DfsPath file() {
            return file;
        }
    }

    private final DfsTree tree;
    private final DfsPath folder;
    private final Format format;
    private final EntrySources sources;
    /** The file being copied: a local one is closed by {@link #abort} from another thread. */
    private volatile Closeable current;
    private volatile boolean aborted;

    public FolderArchive(DfsTree tree, DfsPath folder, Format format, EntrySources sources) {
        this.tree = tree;
        this.folder = folder;
        this.format = format;
        this.sources = sources;
    }

    public Format format() {
        return format;
    }

    public DfsPath folder() {
        return folder;
    }

    /** Writes the whole archive to {@code out}, and finishes it; does not close {@code out}. */
    public void write(OutputStream out) throws IOException {
        ArchiveOutputStream<?> archive = format == Format.ZIP ? zip(out) : tar(out);
        boolean whole = false;
        try {
            entries(archive);
            archive.finish();
            whole = true;
        } finally {
            if (whole) {
                archive.close(); // frees the zip's deflater; out's close is the caller's business
            } else if (archive instanceof StreamingZip zip) {
                zip.abandon();
            }
        }
    }

    private void entries(ArchiveOutputStream<?> archive) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        TreeWalker walk = tree.walk(folder);
        int prefix = folder.isRoot() ? 1 : folder.toString().length() + 1;
        while (walk.advance()) {
            DfsNode node = walk.node();
            String full = walk.path().toString();
            String name = checkedName(full.substring(prefix));
            if (node.isDirectory()) {
                put(archive, name + "/", node);
                archive.closeArchiveEntry();
                continue;
            }
            DfsPath path = DfsPath.of(full);
            Closeable in = open(path, node);
            try {
                put(archive, name, node);
                copy(in, archive, path, node.size(), buffer);
                archive.closeArchiveEntry();
            } finally {
                current = null;
                in.close();
            }
        }
    }

    /**
     * Ends a {@link #write} in progress on another thread: it stops before its next read, and a local file
     * being read is closed at once. A stream from another node is left to the writing thread, which closes
     * it on its way out, one read later (bounded by the peer client's read timeout): the peer client hands
     * its direct buffer back to a shared pool on close, and a close from here, while the writer may still be
     * reading into that buffer, could pass it to another transfer in the middle.
     */
    public void abort() {
        aborted = true;
        Closeable c = current;
        if (c instanceof java.nio.channels.FileChannel) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closed to end the read: nothing more to do
            }
        }
    }

    private Closeable open(DfsPath path, DfsNode node) throws IOException {
        Closeable in;
        try {
            in = sources.open(path, node);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "it is gone"
                    : e instanceof java.nio.file.AccessDeniedException ? "it may not be read" : e.getMessage();
            throw new Broken(path, "cannot be opened: " + why, e);
        }
        current = in;
        if (aborted) {
            in.close();
            throw new IOException("archive aborted");
        }
        return in;
    }

    private void copy(Closeable in, OutputStream out, DfsPath path, long size, byte[] buffer) throws IOException {
        long left = size;
        while (left > 0) {
            if (aborted) {
                throw new IOException("archive aborted");
            }
            int n;
            try {
                n = EntrySources.read(in, buffer, (int) Math.min(buffer.length, left), size - left);
            } catch (IOException e) {
                throw new Broken(path, "reading failed after " + (size - left) + " of " + size + " bytes: "
                        + e.getMessage(), e);
            }
            if (n < 0) {
                throw new Broken(path, "ended after " + (size - left) + " of " + size + " bytes", null);
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /**
     * {@code name} as it goes into the archive: relative, {@code /}-separated, without {@code .} or
     * {@code ..} pieces. The tree's paths are safe already; this makes sure no extractor can be led out
     * of its folder, even one that takes {@code \} for a separator.
     */
    static String checkedName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalStateException("unsafe archive entry name: " + name);
        }
        for (String piece : name.split("[/\\\\]", -1)) {
            if (piece.isEmpty() || piece.equals(".") || piece.equals("..") || piece.indexOf('\0') >= 0) {
                throw new IllegalStateException("unsafe archive entry name: " + name);
            }
        }
        if (name.length() > 1 && name.charAt(1) == ':') {
            throw new IllegalStateException("unsafe archive entry name: " + name); // C:..., a drive
        }
        return name;
    }

    /** A zip writer that can be let go of unfinished: a broken archive gets no central directory. */
    private static final class StreamingZip extends ZipArchiveOutputStream {
        StreamingZip(OutputStream out) {
            super(out);
        }

        /** Frees the deflater without writing the end of the archive. */
        void abandon() {
            finished = true;
            try {
                close();
            } catch (IOException ignored) {
                // the archive failed already; that failure is the one to report
            }
        }
    }

    private static ArchiveOutputStream<?> zip(OutputStream out) {
        ZipArchiveOutputStream zip = new StreamingZip(out);
        zip.setEncoding(StandardCharsets.UTF_8.name());
        zip.setUseLanguageEncodingFlag(true);
        zip.setUseZip64(Zip64Mode.AsNeeded);
        zip.setMethod(ZipEntry.DEFLATED);
        zip.setLevel(Deflater.NO_COMPRESSION);
        return zip;
    }

    private static ArchiveOutputStream<?> tar(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    /** Starts the entry of {@code node}: a directory's {@code name} ends with {@code /}, a file's size is the tree's. */
    private static void put(ArchiveOutputStream<?> archive, String name, DfsNode node) throws IOException {
        long millis = node.lastModified() * 1000;
        long size = node.isDirectory() ? 0 : node.size();
        if (archive instanceof ZipArchiveOutputStream zip) {
            ZipArchiveEntry e = new ZipArchiveEntry(name);
            e.setTime(millis);
            X5455_ExtendedTimestamp stamp = new X5455_ExtendedTimestamp(); // exact, and in UTC
            stamp.setModifyJavaTime(new Date(millis));
            e.addExtraField(stamp);
            e.setSize(size);
            if (node.isDirectory()) {
                e.setMethod(ZipEntry.STORED);
                e.setCrc(0);
            } else {
                e.setMethod(ZipEntry.DEFLATED);
            }
            zip.putArchiveEntry(e);
        } else {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setModTime(millis);
            e.setSize(size);
            ((TarArchiveOutputStream) archive).putArchiveEntry(e);
        }
    }
}
