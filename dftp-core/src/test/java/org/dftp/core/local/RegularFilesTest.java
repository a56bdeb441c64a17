package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only a regular file opens to be served, and opening never blocks, whatever was swapped in at the name. */
class RegularFilesTest {
    @TempDir
    Path dir;

    @Test
    void aRegularFileOpensAndReads() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "served");
        try (FileChannel ch = RegularFiles.openRead(f)) {
            ByteBuffer b = ByteBuffer.allocate(16);
            ch.read(b);
            assertEquals("served", new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            assertEquals(6, ch.size());
        }
    }

    /** A FIFO opened for reading blocks until a writer comes: on an event loop, every connection would stop. */
    @Test
    void aFifoIsRefusedAtOnceInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("swapped.txt");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "mkfifo is not installed: skipping");
            return;
        }
        assumeTrue(mkfifo.waitFor() == 0 && Files.exists(fifo), "mkfifo failed here: skipping");
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(fifo)));
    }

    @Test
    void aSymlinkSwappedInIsRefused() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "secret");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), outside);
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(link));
    }

    @Test
    void aDirectoryOrNothingIsRefused() {
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(dir));
        assertThrows(NoSuchFileException.class, () -> RegularFiles.openRead(dir.resolve("missing")));
    }
}
