package org.dftp.ftp;

import static org.dftp.ftp.FtpTestServer.retrieve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.dftp.core.DfsPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command a reading FTP client uses, through Apache Commons Net against a real server: local
 * files of this node and remote ones of a peer must look and read the same, resume included.
 */
class FtpCommandsTest {
    private static final byte[] BIG_LOCAL = TestDfs.random(300_000, 11);
    private static final byte[] BIG_REMOTE = TestDfs.random(200_000, 12);

    @TempDir
    Path dir;
    private FtpTestServer ftp;
    private FTPClient client;

    @BeforeEach
    void start() throws IOException {
        TestDfs dfs = new TestDfs(dir)
                .local("big.bin", BIG_LOCAL)
                .local("dir1/file2", TestDfs.text("two"))
                .local("text/lines.txt", TestDfs.text("one\ntwo\n"))
                .remoteLent(TestDfs.PEER, "text/lent.bin", BIG_REMOTE)
                .remoteLent(TestDfs.PEER, "text/lent-lines.txt", TestDfs.text("one\r\ntwo\nthree"))
                .local("été/naïve.txt", TestDfs.text("utf8"))
                .remote(TestDfs.PEER, "remote.bin", BIG_REMOTE)
                .remote(TestDfs.PEER, "dir1/peer.txt", TestDfs.text("from beta"))
                .dir(TestDfs.PEER, "empty");
        ftp = FtpTestServer.start(dfs);
        client = ftp.login();
    }

    @AfterEach
    void stop() {
        ftp.close();
    }

    @Test
    void bannerNamesDftpAndTheNode() throws IOException {
        FTPClient fresh = ftp.connect();
        assertEquals(220, fresh.getReplyCode());
        assertTrue(fresh.getReplyString().contains("dftp") && fresh.getReplyString().contains(TestDfs.NODE),
                fresh.getReplyString());
    }

    @Test
    void anonymousLogsInWithAnyPasswordAndNobodyElseDoes() throws IOException {
        assertTrue(ftp.connect().login("anonymous", ""));
        assertTrue(ftp.connect().login("anonymous", "anything at all"));
        FTPClient named = ftp.connect();
        assertFalse(named.login("bob", "secret"));
        assertEquals(530, named.getReplyCode());
    }

    @Test
    void commandsNeedALogin() throws IOException {
        FTPClient anonymous = ftp.connect();
        assertEquals(530, anonymous.sendCommand("SIZE", "big.bin"));
    }

    @Test
    void pwdCwdAndCdupWalkTheTree() throws IOException {
        assertEquals("/", client.printWorkingDirectory());
        assertTrue(client.changeWorkingDirectory("dir1"));
        assertEquals(250, client.getReplyCode());
        assertEquals("/dir1", client.printWorkingDirectory());
        assertArrayEquals(TestDfs.text("two"), retrieve(client, "file2"), "relative to the working directory");
        assertTrue(client.changeToParentDirectory());
        assertEquals("/", client.printWorkingDirectory());
        assertTrue(client.changeWorkingDirectory("/été"));
        assertEquals("/été", client.printWorkingDirectory());
        assertFalse(client.changeWorkingDirectory("nothing"));
        assertEquals(550, client.getReplyCode());
        assertFalse(client.changeWorkingDirectory("/big.bin"), "a file is no directory");
        assertEquals("/été", client.printWorkingDirectory());
    }

    @Test
    void listLooksLikeUnixLsWithTheOwnerNodeAsOwner() throws IOException {
        FTPFile[] files = client.listFiles("/dir1");
        assertEquals(List.of(
                // mode, links, owner, group (both padded to 8), size in 12, date (old: with the year), name
                "-rw-r--r--   1 alpha    dftp                3 Nov 14  2023 file2",
                "-rw-r-----   1 beta     dftp                9 Nov 14  2023 peer.txt"),
                Arrays.stream(files).map(FTPFile::getRawListing).toList());
        FTPFile peer = files[1];
        assertTrue(peer.isFile());
        assertEquals("peer.txt", peer.getName());
        assertEquals(9, peer.getSize());
        assertEquals("beta", peer.getUser());
        assertTrue(peer.hasPermission(FTPFile.GROUP_ACCESS, FTPFile.READ_PERMISSION));
        assertFalse(peer.hasPermission(FTPFile.WORLD_ACCESS, FTPFile.READ_PERMISSION));
    }

    @Test
    void aDirectoryFedBySeveralNodesIsListedOnceAsMultiple() throws IOException {
        FTPFile[] root = client.listFiles();
        assertEquals(List.of("big.bin", "dir1", "empty", "remote.bin", "text", "été"),
                Arrays.stream(root).map(FTPFile::getName).toList());
        FTPFile dir1 = root[1];
        assertTrue(dir1.isDirectory());
        assertEquals("(multiple)", dir1.getUser());
        assertTrue(dir1.getRawListing().startsWith("drwxr-xr-x   2 (multiple) dftp "), dir1.getRawListing());
        assertEquals("beta", root[2].getUser());
        assertEquals(BIG_REMOTE.length, root[3].getSize());
    }

    @Test
    void listOfAFileListsThatFileAndWildcardsFilter() throws IOException {
        assertEquals(List.of("file2"), names(client.listFiles("/dir1/file2")));
        assertEquals(List.of("peer.txt"), names(client.listFiles("/dir1/*.txt")));
        assertEquals(0, client.listFiles("/nothing").length);
        assertEquals(550, client.getReplyCode());
    }

    @Test
    void nlstGivesTheNames() throws IOException {
        assertEquals(List.of("file2", "peer.txt"), List.of(client.listNames("dir1")));
    }

    @Test
    void mlsdAndMlstGiveFacts() throws IOException {
        FTPFile[] entries = client.mlistDir("/dir1");
        assertEquals(List.of("file2", "peer.txt"), names(entries));
        FTPFile peer = entries[1];
        assertTrue(peer.isFile());
        assertEquals(9, peer.getSize());
        assertEquals(Instant.ofEpochSecond(TestDfs.MTIME), peer.getTimestampInstant());
        assertTrue(client.mlistDir("/").length > 0);
        assertTrue(client.mlistDir("/")[1].isDirectory());

        FTPFile big = client.mlistFile("big.bin");
        assertNotNull(big, client.getReplyString());
        assertEquals(BIG_LOCAL.length, big.getSize());
        assertEquals(Instant.ofEpochSecond(TestDfs.MTIME), big.getTimestampInstant());
        assertTrue(client.mlistFile("dir1").isDirectory());
    }

    @Test
    void sizeAndMdtmDescribeLocalAndRemoteFilesAlike() throws IOException {
        assertEquals(String.valueOf(BIG_LOCAL.length), client.getSize("big.bin"));
        assertEquals(String.valueOf(BIG_REMOTE.length), client.getSize("/remote.bin"));
        assertEquals(Instant.ofEpochSecond(TestDfs.MTIME), client.mdtmInstant("dir1/peer.txt"));
        assertEquals("20231114221320.000", client.getModificationTime("big.bin"));
        assertEquals(550, client.sendCommand("SIZE", "dir1"));
        assertEquals(550, client.sendCommand("SIZE", "nothing"));
        assertEquals(550, client.sendCommand("MDTM", "nothing"));
        assertTrue(ftp.dfs.remote.opens().isEmpty(), "metadata never costs a request to the owner");
    }

    @Test
    void retrReadsLocalAndRemoteFiles() throws IOException {
        assertArrayEquals(BIG_LOCAL, retrieve(client, "big.bin"));
        assertArrayEquals(BIG_REMOTE, retrieve(client, "remote.bin"));
        assertArrayEquals(TestDfs.text("utf8"), retrieve(client, "/été/naïve.txt"));
        assertEquals(List.of(new FakeRemoteFiles.Open(TestDfs.PEER, DfsPath.of("remote.bin"), 0)),
                ftp.dfs.remote.opens());
        assertEquals(0, ftp.dfs.remote.openStreams());
    }

    @Test
    void retrOfADirectoryOrAMissingFileIs550() throws IOException {
        assertEquals(null, retrieve(client, "dir1"));
        assertEquals(550, client.getReplyCode());
        assertEquals(null, retrieve(client, "nothing"));
        assertEquals(550, client.getReplyCode());
    }

    @Test
    void restThenRetrResumesLocalFilesFromTheOffset() throws IOException {
        client.setRestartOffset(123_457);
        assertArrayEquals(Arrays.copyOfRange(BIG_LOCAL, 123_457, BIG_LOCAL.length), retrieve(client, "big.bin"));
        assertArrayEquals(BIG_LOCAL, retrieve(client, "big.bin"), "the offset applies to one transfer only");
        client.setRestartOffset(BIG_LOCAL.length);
        assertArrayEquals(new byte[0], retrieve(client, "big.bin"), "a complete file resumes to nothing");
    }

    @Test
    void restThenRetrResumesRemoteFilesWithTheOffsetPassedToTheOwner() throws IOException {
        client.setRestartOffset(65_536 + 17);
        assertArrayEquals(Arrays.copyOfRange(BIG_REMOTE, 65_553, BIG_REMOTE.length), retrieve(client, "remote.bin"));
        assertEquals(List.of(new FakeRemoteFiles.Open(TestDfs.PEER, DfsPath.of("remote.bin"), 65_553)),
                ftp.dfs.remote.opens());
    }

    @Test
    void restRefusesANegativeOffset() throws IOException {
        assertEquals(501, client.sendCommand("REST", "-5"));
    }

    @Test
    void typeAsciiSendsCrLfLinesAndTypeImageTheBytes() throws IOException {
        assertEquals(200, client.sendCommand("TYPE", "A"));
        client.setFileType(FTP.ASCII_FILE_TYPE);
        assertArrayEquals(TestDfs.text("one\ntwo\n"), retrieve(client, "text/lines.txt"),
                "Commons Net turns the CRLF of ASCII mode back into LF");
        assertEquals(200, client.sendCommand("TYPE", "I"));
        client.setFileType(FTP.BINARY_FILE_TYPE);
        assertArrayEquals(TestDfs.text("one\ntwo\n"), retrieve(client, "text/lines.txt"));
    }

    @Test
    void typeAsciiAddsTheCrOfBareLineFeedsOnlyWhateverTheSource() throws IOException {
        assertEquals(200, client.sendCommand("TYPE", "A")); // the client keeps binary: it sees the wire
        assertArrayEquals(TestDfs.text("one\r\ntwo\r\n"), retrieve(client, "text/lines.txt"));
        assertArrayEquals(TestDfs.text("one\r\ntwo\r\nthree"), retrieve(client, "text/lent-lines.txt"));
        client.setRestartOffset(5); // MINA counts an ASCII offset in converted bytes: "one\r\n" is 5
        assertArrayEquals(TestDfs.text("two\r\n"), retrieve(client, "text/lines.txt"));
    }

    @Test
    void peerFilesLentAsBuffersArriveWholeAndResume() throws IOException {
        assertArrayEquals(BIG_REMOTE, retrieve(client, "text/lent.bin"));
        client.setRestartOffset(70_001);
        assertArrayEquals(Arrays.copyOfRange(BIG_REMOTE, 70_001, BIG_REMOTE.length), retrieve(client, "text/lent.bin"));
        assertEquals(0, ftp.dfs.remote.openStreams());
    }

    @Test
    void modeZDeflatesTransfersAndListings() throws IOException {
        assertTrue(client.setFileTransferMode(FTP.DEFLATE_TRANSFER_MODE), client.getReplyString());
        assertArrayEquals(BIG_LOCAL, retrieve(client, "big.bin"));
        assertArrayEquals(BIG_REMOTE, retrieve(client, "text/lent.bin"));
        assertEquals(List.of("file2", "peer.txt"), List.of(client.listNames("dir1")));
        assertTrue(client.setFileTransferMode(FTP.STREAM_TRANSFER_MODE), client.getReplyString());
        assertArrayEquals(BIG_LOCAL, retrieve(client, "big.bin"));
    }

    @Test
    void pasvAndEpsvBothCarryTransfers() throws IOException {
        assertEquals(227, client.sendCommand("PASV"));
        assertTrue(client.getReplyString().contains("(127,0,0,1,"), client.getReplyString());
        assertEquals(229, client.sendCommand("EPSV"));
        client.setUseEPSVwithIPv4(true);
        assertArrayEquals(BIG_REMOTE, retrieve(client, "remote.bin"));
        client.setUseEPSVwithIPv4(false);
        assertArrayEquals(TestDfs.text("two"), retrieve(client, "dir1/file2"));
    }

    @Test
    void activeModeToTheClientItselfWorks() throws IOException {
        client.enterLocalActiveMode();
        assertArrayEquals(TestDfs.text("two"), retrieve(client, "dir1/file2"));
    }

    @Test
    void featAdvertisesWhatThisServerDoesAndNothingElse() throws IOException {
        assertTrue(client.features());
        for (String feature : List.of("UTF8", "MLST", "SIZE", "MDTM", "REST", "EPSV")) {
            assertTrue(client.hasFeature(feature), feature + " in " + client.getReplyString());
        }
        assertTrue(client.hasFeature("REST", "STREAM"));
        assertFalse(client.hasFeature("AUTH"), "no TLS is configured");
        assertFalse(client.hasFeature("PBSZ"));
        assertEquals(431, client.sendCommand("AUTH", "TLS"), "MINA's answer without a certificate, as before");
        assertFalse(client.hasFeature("MFMT"), "a read-only server cannot set times");
    }

    @Test
    void optsUtf8OnIsAccepted() throws IOException {
        assertEquals(200, client.sendCommand("OPTS", "UTF8 ON"));
        assertEquals(List.of("naïve.txt"), List.of(client.listNames("/été")));
    }

    @Test
    void noopAndQuit() throws IOException {
        assertTrue(client.sendNoOp());
        assertTrue(client.logout());
        assertEquals(FTPReply.SERVICE_CLOSING_CONTROL_CONNECTION, client.getReplyCode());
    }

    @Test
    void everyCommandReadsTheLatestTree() throws IOException {
        assertEquals(550, client.sendCommand("SIZE", "late.txt"));
        ftp.dfs.local("late.txt", TestDfs.text("late"));
        assertEquals(213, client.sendCommand("SIZE", "late.txt"));
        assertArrayEquals(TestDfs.text("late"), retrieve(client, "late.txt"));
        ftp.dfs.withdraw(TestDfs.PEER, "dir1/peer.txt");
        assertEquals(List.of("file2"), names(client.listFiles("/dir1")));
    }

    private static List<String> names(FTPFile[] files) {
        return Arrays.stream(files).map(FTPFile::getName).toList();
    }
}
