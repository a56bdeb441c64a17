package org.dftp.netty.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.http.RemoteFiles;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FolderArchive} on its own, over files of another node that a fake {@link RemoteFiles} makes up:
 * past 65,535 zip entries, a tar entry over 8 GiB, and names that must never reach an archive.
 */
class FolderArchiveTest {
    @TempDir
    Path dir;

    /** Files of node "gb" whose bytes are {@code size} zeros each, made up on the fly. */
    private static EntrySources zeros() {
        RemoteFiles remote = new RemoteFiles() {
            @Override
            public void serve(io.netty.channel.ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest req,
                              DfsPath path, String owner, int hops, Runnable ownCopy, Runnable done) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InputStream open(String owner, DfsPath path) {
                return new InputStream() {
                    @Override
                    public int read() {
                        return 0;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        return len; // the reader's buffer as it is: the size is what counts here
                    }
                };
            }
        };
        return new EntrySources("ga", null, remote);
    }

    @Test
    void zipPastSixtyFiveThousandEntriesHasAZip64End() throws Exception {
        List<Change> changes = new ArrayList<>();
        changes.add(Trees.dir("many", "gb", 100));
        int n = 66_000;
        for (int i = 0; i < n; i++) {
            changes.add(Trees.file("many/f" + i, "gb", 0, 100));
        }
        DfsTree tree = DfsTree.EMPTY.apply(changes);
        Path zip = dir.resolve("many.zip");
        try (OutputStream out = Files.newOutputStream(zip)) {
            new FolderArchive(tree, DfsPath.of("many"), FolderArchive.Format.ZIP, zeros()).write(out);
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertEquals(n, z.size()); // the count only a ZIP64 end record holds
        }
    }

    @Test
    void tarEntryOverEightGiBKeepsItsSize() throws Exception {
        long size = (8L << 30) + 12345;
        DfsTree tree = Trees.of(Trees.dir("big", "gb", 100), Trees.file("big/huge.bin", "gb", size, 100));
        Head out = new Head();
        new FolderArchive(tree, DfsPath.of("big"), FolderArchive.Format.TAR, zeros()).write(out);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.head.toByteArray()))) {
            TarArchiveEntry e = tar.getNextEntry();
            assertEquals("huge.bin", e.getName());
            assertEquals(size, e.getSize());
        }
        long padded = (size + 511) / 512 * 512;
        // Whole blocks, the file's padded bytes and the two zero blocks of the end: the archive was finished.
        assertEquals(0, out.count % 512);
        assertEquals(true, out.count >= padded + 1024, "only " + out.count + " bytes");
    }

    @Test
    void unsafeNamesNeverReachAnArchive() {
        for (String bad : new String[] {"", "/abs", "a/../b", "..", "a/./b", "a//b", "dir/", "..\\up", "C:evil"}) {
            assertThrows(IllegalStateException.class, () -> FolderArchive.checkedName(bad), bad);
        }
        assertEquals("a/b c/é.txt", FolderArchive.checkedName("a/b c/é.txt"));
        assertEquals("..hidden", FolderArchive.checkedName("..hidden"));
    }

    /** Keeps the first 64 KiB written and counts the rest. */
    private static final class Head extends OutputStream {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        long count;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int keep = (int) Math.max(0, Math.min(len, 65536 - count));
            head.write(b, off, keep);
            count += len;
        }
    }
}
