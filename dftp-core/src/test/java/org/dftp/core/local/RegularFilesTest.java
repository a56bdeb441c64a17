package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.dftp.core.DfsPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only the regular file {@link LocalRoot#file} checked opens to be served, opening never blocks, and no
 * symlink is followed on the way, whatever a user who writes inside the dfsroot swaps in after the check.
 */
class RegularFilesTest {
    @TempDir
    Path dir;
    Path root;
    Path outside;
    LocalRoot local;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("a.txt"), "secret");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/a.txt"), "served");
        local = LocalRoot.of(root, DfsPath.ROOT);
    }

    private LocalFile checked(String path) throws IOException {
        return local.file(DfsPath.of(path));
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        ch.read(b);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Test
    void aRegularFileOpensAndReads() throws Exception {
        try (FileChannel ch = RegularFiles.openRead(checked("/sub/a.txt"))) {
            assertEquals("served", read(ch));
            assertEquals(6, ch.size());
        }
    }

    /** A symlink that stays inside the root is served, as LocalRoot allows: the check resolved it. */
    @Test
    void aSymlinkInsideTheRootIsServedThroughItsTarget() throws Exception {
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("sub"));
        try (FileChannel ch = RegularFiles.openRead(checked("/alias/a.txt"))) {
            assertEquals("served", read(ch));
        }
    }

    /**
     * The race the hostile-input suite found (77 of 84,000 requests served outside files): the directory in
     * the middle of the path is swapped for a symlink to an outside directory between the check and the open.
     * An open of the whole path follows it, {@code O_NOFOLLOW} or not; the walk from the root does not.
     */
    @Test
    void aMiddleDirectorySwappedForASymlinkAfterTheCheckIsNotFollowed() throws Exception {
        LocalFile file = checked("/sub/a.txt");
        Files.move(root.resolve("sub"), dir.resolve("moved"));
        Files.createSymbolicLink(root.resolve("sub"), outside);
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(file).close());
    }

    /** The walk alone refuses it, where the file system gives no key to tell the two files apart by. */
    @Test
    void theWalkRefusesTheSwappedDirectoryWithoutAFileKey() throws Exception {
        LocalFile checked = checked("/sub/a.txt");
        LocalFile keyless = new LocalFile(checked.root(), checked.path(), checked.size(), checked.lastModified(),
                checked.modifiedNanos(), null);
        Files.move(root.resolve("sub"), dir.resolve("moved"));
        Files.createSymbolicLink(root.resolve("sub"), outside);
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(keyless).close());
    }

    /** A FIFO opened for reading blocks until a writer comes: on an event loop, every connection would stop. */
    @Test
    void aFifoSwappedInIsRefusedAtOnceInsteadOfBlocking() throws Exception {
        LocalFile file = checked("/sub/a.txt");
        Path fifo = root.resolve("sub/a.txt");
        Files.delete(fifo);
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not installed: skipping");
            return;
        }
        assumeTrue(mkfifo.waitFor() == 0 && Files.exists(fifo), "mkfifo failed here: skipping");
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(file).close()));
    }

    @Test
    void aSymlinkSwappedInAsTheFileIsRefused() throws Exception {
        LocalFile file = checked("/sub/a.txt");
        Files.delete(root.resolve("sub/a.txt"));
        Files.createSymbolicLink(root.resolve("sub/a.txt"), outside.resolve("a.txt"));
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(file).close());
    }

    /** Another file renamed over the name: its content would be served under the checked size and dates. */
    @Test
    void anotherFileRenamedOverTheNameIsRefused() throws Exception {
        LocalFile file = checked("/sub/a.txt");
        Path other = Files.writeString(root.resolve("sub/other.txt"), "a longer, other content");
        Files.move(other, root.resolve("sub/a.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assumeTrue(file.fileKey() != null, "this file system gives no file keys: skipping");
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(file).close());
    }

    @Test
    void aDirectoryOrNothingAtTheNameIsRefused() throws Exception {
        LocalFile file = checked("/sub/a.txt");
        Files.delete(root.resolve("sub/a.txt"));
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(file).close());
        Files.createDirectory(root.resolve("sub/a.txt"));
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(file).close());
    }
}
