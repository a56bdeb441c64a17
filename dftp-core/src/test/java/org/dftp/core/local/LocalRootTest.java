package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.dftp.core.DfsPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRootTest {
    @TempDir
    Path tmp;

    @Test
    void openReturnsTheRealFileInsideTheRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/f.txt"), "hi");
        Files.createSymbolicLink(root.resolve("ln"), root.resolve("d/f.txt"));
        LocalRoot lr = LocalRoot.of(root, DfsPath.of("/m"));
        assertEquals(root.toRealPath().resolve("d/f.txt"), lr.open(DfsPath.of("/m/d/f.txt")));
        assertEquals(root.toRealPath().resolve("d/f.txt"), lr.open(DfsPath.of("/m/ln")));
    }

    @Test
    void openRefusesWhatResolvesOutsideTheRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(tmp.resolve("secret"), "no");
        Files.createSymbolicLink(root.resolve("out"), tmp.resolve("secret"));
        Files.createSymbolicLink(root.resolve("outdir"), tmp);
        LocalRoot lr = LocalRoot.of(root, DfsPath.ROOT);
        assertThrows(AccessDeniedException.class, () -> lr.open(DfsPath.of("/out")));
        assertThrows(AccessDeniedException.class, () -> lr.open(DfsPath.of("/outdir/secret")));
    }

    @Test
    void openRefusesDirectoriesMissingFilesAndPathsOutsideTheMount() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("d"));
        LocalRoot lr = LocalRoot.of(root, DfsPath.of("/m"));
        assertThrows(NoSuchFileException.class, () -> lr.open(DfsPath.of("/m/d")));
        assertThrows(NoSuchFileException.class, () -> lr.open(DfsPath.of("/m/missing")));
        assertThrows(NoSuchFileException.class, () -> lr.open(DfsPath.of("/other/d")));
    }

    @Test
    void ofRefusesAFileOrAMissingDirectory() throws IOException {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        assertThrows(IOException.class, () -> LocalRoot.of(f, DfsPath.ROOT));
        assertThrows(IOException.class, () -> LocalRoot.of(tmp.resolve("missing"), DfsPath.ROOT));
    }

    @Test
    void theRootIsStoredAsItsRealPath() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        LocalRoot lr = LocalRoot.of(link, DfsPath.ROOT);
        assertEquals(real.toRealPath(), lr.dir());
        assertTrue(lr.contains(real.toRealPath().resolve("x")));
    }
}
