package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpFile;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract MINA FtpServer expects of a {@code FileSystemView} and its {@code FtpFile}s (paths always
 * with {@code /}, listings sorted and immutable), and dftp's own rules on top: nothing leaves the DFS,
 * nothing can be written, and local and remote files read alike from any offset.
 */
class DfsFileSystemViewTest {
    private static final byte[] LOCAL = TestDfs.random(100_000, 1);
    private static final byte[] REMOTE = TestDfs.random(70_000, 2);

    @TempDir
    Path dir;
    private TestDfs dfs;
    private DfsFileSystemView view;

    @BeforeEach
    void setUp() throws IOException {
        dfs = new TestDfs(dir)
                .local("dir1/file2", TestDfs.text("two"))
                .local("file1", LOCAL)
                .remote(TestDfs.PEER, "file3", REMOTE)
                .remote(TestDfs.PEER, "dir1/sub/far.txt", TestDfs.text("far"))
                .dir(TestDfs.PEER, "empty");
        view = (DfsFileSystemView) dfs.fileSystem().createFileSystemView(null);
    }

    @Test
    void absolutePathsStartWithASlashAndHaveNoTrailingOne() throws FtpException {
        assertEquals("/dir1/file2", view.getFile("/dir1/file2").getAbsolutePath());
        assertEquals("/dir1", view.getFile("/dir1/").getAbsolutePath());
        assertEquals("/dir1", view.getFile("dir1").getAbsolutePath());
        assertEquals("/", view.getFile("/").getAbsolutePath());
        assertEquals("/", view.getFile("").getAbsolutePath());
    }

    @Test
    void nameIsTheLastSegmentAndSlashForTheRoot() throws FtpException {
        assertEquals("file2", view.getFile("/dir1/file2").getName());
        assertEquals("dir1", view.getFile("/dir1/").getName());
        assertEquals("/", view.getHomeDirectory().getName());
    }

    @Test
    void listFilesIsSortedAndImmutable() throws FtpException {
        List<? extends FtpFile> files = view.getHomeDirectory().listFiles();
        assertEquals(List.of("dir1", "empty", "file1", "file3"), files.stream().map(FtpFile::getName).toList());
        assertEquals("/dir1/sub", view.getFile("dir1").listFiles().get(1).getAbsolutePath());
        assertThrows(UnsupportedOperationException.class, () -> files.remove(0));
        assertTrue(view.getFile("empty").listFiles().isEmpty());
    }

    @Test
    void aFileOrAMissingPathHasNoListing() throws FtpException {
        assertNull(view.getFile("file1").listFiles());
        assertNull(view.getFile("nothing").listFiles());
    }

    @Test
    void missingPathsExistAsNothing() throws FtpException {
        FtpFile missing = view.getFile("/dir1/nothing");
        assertFalse(missing.doesExist());
        assertFalse(missing.isFile());
        assertFalse(missing.isDirectory());
        assertFalse(missing.isReadable());
        assertEquals("/dir1/nothing", missing.getAbsolutePath());
    }

    @Test
    void filesCarryTheirOwnersAttributes() throws FtpException {
        DfsFtpFile local = view.getFile("file1");
        assertTrue(local.isFile());
        assertEquals(LOCAL.length, local.getSize());
        assertEquals(TestDfs.MTIME * 1000, local.getLastModified());
        assertEquals(TestDfs.NODE, local.getOwnerName());
        assertEquals(0644, local.permissions());
        DfsFtpFile remote = view.getFile("file3");
        assertEquals(TestDfs.PEER, remote.getOwnerName());
        assertEquals(0640, remote.permissions());
        assertEquals(DfsFtpFile.GROUP, remote.getGroupName());
    }

    @Test
    void aDirectoryFedBySeveralNodesIsOneDirectoryOfMultipleOwners() throws FtpException {
        FtpFile dir1 = view.getFile("dir1");
        assertTrue(dir1.isDirectory());
        assertEquals(DfsNode.MULTIPLE_OWNERS, dir1.getOwnerName());
        assertEquals(List.of("file2", "sub"), dir1.listFiles().stream().map(FtpFile::getName).toList());
        assertEquals(TestDfs.PEER, view.getFile("dir1/sub").getOwnerName());
        assertEquals(0755, view.getFile("dir1/sub").permissions());
    }

    @Test
    void changeWorkingDirectoryFollowsRelativeAbsoluteAndDotDotPaths() throws FtpException {
        assertTrue(view.changeWorkingDirectory("dir1"));
        assertEquals("/dir1", view.getWorkingDirectory().getAbsolutePath());
        assertTrue(view.changeWorkingDirectory("sub"));
        assertEquals("/dir1/sub/far.txt", view.getFile("far.txt").getAbsolutePath());
        assertTrue(view.changeWorkingDirectory("../.."));
        assertEquals("/", view.getWorkingDirectory().getAbsolutePath());
        assertTrue(view.changeWorkingDirectory("/dir1/./sub/"));
        assertTrue(view.changeWorkingDirectory(".."));
        assertEquals("/dir1", view.getWorkingDirectory().getAbsolutePath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../../..", "/..", "dir1/../..", "/dir1/../../etc", "nothing", "file1", "dir1\\sub"})
    void changeWorkingDirectoryRefusesEscapesMissingDirectoriesAndFilesAndStaysPut(String target) {
        assertFalse(view.changeWorkingDirectory(target));
        assertEquals("/", view.getWorkingDirectory().getAbsolutePath());
    }

    @Test
    void changeWorkingDirectoryCannotClimbAboveTheRootFromBelowEither() {
        assertTrue(view.changeWorkingDirectory("/dir1/sub"));
        assertFalse(view.changeWorkingDirectory("../../.."));
        assertEquals("/dir1/sub", view.getWorkingDirectory().getAbsolutePath());
    }

    @ParameterizedTest
    @CsvSource({
        "/, a/./b//c/, /a/b/c",
        "/x/y, ../z, /x/z",
        "/x/y, /abs, /abs",
        "/x/y, '', /x/y",
        "/x/y, .., /x",
        "/x, %2e%2e, /x/%2e%2e",
    })
    void resolveAppliesFtpNavigationThenDfsPathRules(String cwd, String argument, String expected) {
        assertEquals(expected, DfsFileSystemView.resolve(DfsPath.of(cwd), argument).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "/..", "a/../..", "../etc/passwd", "a\\..\\b", "nul\0byte", "ctrl\u0001"})
    void resolveRefusesWhatWouldLeaveTheDfsOrConfuseAFileSystem(String argument) {
        assertThrows(BadPathException.class, () -> DfsFileSystemView.resolve(DfsPath.ROOT, argument));
    }

    @Test
    void resolveRefusesOverLongSegmentsAndPaths() {
        assertThrows(BadPathException.class, () -> DfsFileSystemView.resolve(DfsPath.ROOT, "x".repeat(256)));
        assertThrows(BadPathException.class, () -> DfsFileSystemView.resolve(DfsPath.ROOT, "/a".repeat(3000)));
    }

    @Test
    void getFileReportsARefusedPathAsAnFtpException() {
        FtpException e = assertThrows(FtpException.class, () -> view.getFile("../../etc/passwd"));
        assertTrue(e.getMessage().contains("out of the DFS root"), e.getMessage());
    }

    @Test
    void everyWriteIsRefused() throws FtpException, IOException {
        DfsFtpFile file = view.getFile("file1");
        assertFalse(file.isWritable());
        assertFalse(file.isRemovable());
        assertFalse(file.delete());
        assertFalse(file.mkdir());
        assertFalse(file.move(view.getFile("moved")));
        assertFalse(file.setLastModified(0));
        assertFalse(view.getFile("newdir").mkdir());
        IOException e = assertThrows(IOException.class, () -> file.createOutputStream(0));
        assertTrue(e.getMessage().contains("read-only"));
        assertArrayEquals(LOCAL, Files.readAllBytes(dir.resolve("file1")));
    }

    @Test
    void localFilesReadFromAnyOffset() throws IOException, FtpException {
        assertArrayEquals(LOCAL, read(view.getFile("file1"), 0));
        assertArrayEquals(Arrays.copyOfRange(LOCAL, 65_537, LOCAL.length), read(view.getFile("file1"), 65_537));
        assertArrayEquals(new byte[0], read(view.getFile("file1"), LOCAL.length + 10));
        assertTrue(dfs.remote.opens().isEmpty(), "a file of this node never goes to a peer");
    }

    @Test
    void remoteFilesReadFromTheirOwnerWithTheOffsetPassedThrough() throws IOException, FtpException {
        assertArrayEquals(Arrays.copyOfRange(REMOTE, 12_345, REMOTE.length), read(view.getFile("file3"), 12_345));
        assertEquals(List.of(new FakeRemoteFiles.Open(TestDfs.PEER, DfsPath.of("file3"), 12_345)), dfs.remote.opens());
        assertEquals(0, dfs.remote.openStreams());
    }

    @Test
    void directoriesAndMissingFilesCannotBeRead() throws FtpException {
        assertThrows(IOException.class, () -> view.getFile("dir1").createInputStream(0));
        assertThrows(IOException.class, () -> view.getFile("nothing").createInputStream(0));
    }

    @Test
    void aLocalFileGoneFromDiskFailsToOpen() throws IOException, FtpException {
        Files.delete(dir.resolve("file1"));
        assertThrows(IOException.class, () -> view.getFile("file1").createInputStream(0));
    }

    @Test
    void aLocalSymlinkOutOfTheRootIsNotFollowed(@TempDir Path outside) throws IOException, FtpException {
        Files.writeString(outside.resolve("secret"), "secret");
        Files.createSymbolicLink(dir.resolve("link"), outside.resolve("secret"));
        dfs.offer(TestDfs.NODE, "link", 0644, 6);
        IOException e = assertThrows(IOException.class, () -> view.getFile("link").createInputStream(0));
        assertTrue(e.getMessage().contains("link"), e.getMessage());
    }

    @Test
    void everyLookupReadsTheLatestSnapshot() throws IOException, FtpException {
        FtpFile before = view.getFile("late.txt");
        dfs.local("late.txt", TestDfs.text("late"));
        assertFalse(before.doesExist(), "a file object keeps the snapshot it was made from");
        assertTrue(view.getFile("late.txt").doesExist());
        dfs.withdraw(TestDfs.PEER, "file3");
        assertFalse(view.getFile("file3").doesExist());
    }

    private static byte[] read(FtpFile file, long offset) throws IOException {
        try (InputStream in = file.createInputStream(offset)) {
            return in.readAllBytes();
        }
    }
}
