package org.dftp.ftp;

import static org.dftp.ftp.FtpTestServer.retrieve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.Users;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.write.WriteException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every write command through Apache Commons Net against a real server over a temporary dfsroot: what lands
 * on disk and in the tree, what each user may do, and the reply of every refusal.
 */
@Timeout(60)
class FtpWritesTest {
    static final long LIMIT = 1_000_000;
    private static final byte[] BIG = TestDfs.random(300_000, 31);

    @TempDir
    Path dir;
    @TempDir
    Path etc;
    private TestDfs dfs;
    private Users users;
    private final LoginThrottle throttle = new LoginThrottle();
    private final FakeRemoteWrites remote = new FakeRemoteWrites();
    private FtpTestServer ftp;
    private FTPClient client;

    @BeforeEach
    void start() throws IOException {
        dfs = new TestDfs(dir)
                .local("old.txt", TestDfs.text("old content"))
                .local("docs/a.txt", TestDfs.text("a"))
                .local("scoped/keep.txt", TestDfs.text("keep"))
                .remote(TestDfs.PEER, "peer/only.txt", TestDfs.text("beta only"))
                .dir(TestDfs.PEER, "peer")
                .dir(TestDfs.PEER, "peer/sub");
        dfs.rescan(); // this node's directories offered as a node's scan offers them
        users = TestUsers.load(etc,
                TestUsers.line("writer", "w-secret", "write", null),
                TestUsers.line("reader", "r-secret", "read", null),
                TestUsers.line("scoped", "s-secret", "write", "/scoped"));
        ftp = FtpTestServer.start(dfs, new FtpWrites(dfs.writes(), remote, users, throttle, true, LIMIT));
        client = ftp.login("writer", "w-secret");
    }

    @AfterEach
    void stop() {
        ftp.close();
    }

    private DfsNode at(String path) {
        return dfs.tree().lookup(DfsPath.of(path));
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(LocalRoot::isTemporary).toList();
        }
    }

    private boolean store(FTPClient c, String path, byte[] content) throws IOException {
        return c.storeFile(path, new ByteArrayInputStream(content));
    }

    private static List<String> names(FTPFile[] files) {
        return Arrays.stream(files).map(FTPFile::getName).toList();
    }

    private void assertRefused(FTPClient c, int code, String why) {
        assertEquals(code, c.getReplyCode(), c.getReplyString());
        assertTrue(c.getReplyString().contains(why), c.getReplyString());
    }

    // --- uploads

    @Test
    void storWritesANewFileThatIsVisibleAtOnce() throws IOException {
        assertTrue(store(client, "docs/new.bin", BIG), client.getReplyString());
        assertEquals(226, client.getReplyCode());
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("docs/new.bin")));
        assertNotNull(at("docs/new.bin"), "in the tree when the 226 arrives");
        assertEquals(213, client.sendCommand("SIZE", "docs/new.bin"));
        assertTrue(client.getReplyString().contains(String.valueOf(BIG.length)), client.getReplyString());
        assertTrue(names(client.listFiles("/docs")).contains("new.bin"));
        assertArrayEquals(BIG, retrieve(client, "docs/new.bin"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void storReplacesAFileWhole() throws IOException {
        assertTrue(store(client, "/old.txt", TestDfs.text("new")), client.getReplyString());
        assertEquals("new", Files.readString(dir.resolve("old.txt")));
        assertEquals(3, at("old.txt").size());
    }

    @Test
    void anEmptyUploadIsAnEmptyFile() throws IOException {
        assertTrue(store(client, "empty", new byte[0]), client.getReplyString());
        assertEquals(0, Files.size(dir.resolve("empty")));
    }

    @Test
    void asciiUploadsTurnLineEndsIntoTheServersOwn() throws IOException {
        client.setFileType(org.apache.commons.net.ftp.FTP.ASCII_FILE_TYPE);
        assertTrue(store(client, "lines.txt", TestDfs.text("one\r\ntwo\r\n")), client.getReplyString());
        assertEquals("one" + System.lineSeparator() + "two" + System.lineSeparator(),
                Files.readString(dir.resolve("lines.txt")));
    }

    @Test
    void restAndStorResumeAnUpload() throws IOException {
        assertTrue(store(client, "resumed.bin", Arrays.copyOf(BIG, 100_000)), client.getReplyString());
        client.setRestartOffset(100_000);
        assertTrue(store(client, "resumed.bin", Arrays.copyOfRange(BIG, 100_000, BIG.length)),
                client.getReplyString());
        assertArrayEquals(BIG, Files.readAllBytes(dir.resolve("resumed.bin")));
        assertEquals(BIG.length, at("resumed.bin").size());
        assertEquals(0, client.getRestartOffset(), "the offset is for one transfer");
        assertTrue(store(client, "resumed.bin", TestDfs.text("whole")), "a later STOR starts over");
        assertEquals("whole", Files.readString(dir.resolve("resumed.bin")));
    }

    @Test
    void aResumePastTheEndIsRefused() throws IOException {
        client.setRestartOffset(1000);
        assertFalse(store(client, "old.txt", TestDfs.text("x")));
        assertRefused(client, 550, "fewer than 1000 bytes");
        assertEquals("old content", Files.readString(dir.resolve("old.txt")));
        client.setRestartOffset(10);
        assertFalse(store(client, "absent.txt", TestDfs.text("x")));
        assertEquals(550, client.getReplyCode());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void appeAppends() throws IOException {
        assertTrue(client.appendFile("old.txt", new ByteArrayInputStream(TestDfs.text(" and more"))),
                client.getReplyString());
        assertEquals("old content and more", Files.readString(dir.resolve("old.txt")));
        assertTrue(client.appendFile("fresh.txt", new ByteArrayInputStream(TestDfs.text("fresh"))),
                "APPE to a new file creates it");
        assertEquals("fresh", Files.readString(dir.resolve("fresh.txt")));
    }

    @Test
    void stouPicksANameThatIsFree() throws IOException {
        assertTrue(client.changeWorkingDirectory("docs"));
        assertTrue(client.storeUniqueFile(new ByteArrayInputStream(TestDfs.text("one"))), client.getReplyString());
        assertTrue(client.storeUniqueFile(new ByteArrayInputStream(TestDfs.text("two"))), client.getReplyString());
        assertEquals("one", Files.readString(dir.resolve("docs/ftp.dat")));
        assertEquals("two", Files.readString(dir.resolve("docs/ftp.dat.1")));
        assertTrue(client.storeUniqueFile("a.txt", new ByteArrayInputStream(TestDfs.text("three"))));
        assertEquals("a", Files.readString(dir.resolve("docs/a.txt")), "never over an existing file");
        assertEquals("three", Files.readString(dir.resolve("docs/a.txt.1")));
    }

    @Test
    void stouSaysTheNameInItsFirstReply() throws IOException {
        try (Socket data = passive(client)) {
            assertEquals(150, client.sendCommand("STOU"));
            assertEquals("150 FILE: ftp.dat", client.getReplyString().trim());
            data.getOutputStream().write(TestDfs.text("unique"));
        }
        assertEquals(226, client.getReply(), client.getReplyString());
        assertEquals("unique", Files.readString(dir.resolve("ftp.dat")));
    }

    /** {@code PASV}, and a data connection to the port it names. */
    private static Socket passive(FTPClient c) throws IOException {
        assertEquals(227, c.sendCommand("PASV"));
        Matcher m = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(c.getReplyString());
        assertTrue(m.find(), c.getReplyString());
        int port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
        Socket data = new Socket();
        data.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return data;
    }

    @Test
    void anUploadOverTheLimitIs552AndLeavesNothing() throws IOException {
        byte[] tooBig = TestDfs.random((int) LIMIT + 1, 32);
        assertFalse(store(client, "huge.bin", tooBig));
        assertRefused(client, 552, "upload limit");
        assertFalse(Files.exists(dir.resolve("huge.bin")));
        assertNull(at("huge.bin"));
        assertEquals(List.of(), leftovers());
        assertTrue(store(client, "fits.bin", Arrays.copyOf(tooBig, (int) LIMIT)), "exactly the limit fits");
        assertFalse(client.appendFile("fits.bin", new ByteArrayInputStream(TestDfs.text("x"))));
        assertRefused(client, 552, "upload limit");
        assertEquals(LIMIT, Files.size(dir.resolve("fits.bin")), "the file is as it was");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void anUploadCutOffMidwayLeavesNothing() throws Exception {
        Socket data = passive(client);
        assertEquals(150, client.sendCommand("STOR", "cut.bin"));
        OutputStream out = data.getOutputStream();
        out.write(BIG, 0, 200_000);
        out.flush();
        for (int i = 0; i < 500 && leftovers().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals(1, leftovers().size(), "the upload is under way");
        data.setSoLinger(true, 0);
        data.close(); // a reset: the client went away, it did not end the file
        assertEquals(426, client.getReply(), client.getReplyString());
        assertFalse(Files.exists(dir.resolve("cut.bin")));
        assertNull(at("cut.bin"));
        assertEquals(List.of(), leftovers());
        assertTrue(client.sendNoOp(), "the session goes on");
        assertTrue(store(client, "cut.bin", TestDfs.text("whole")));
    }

    @Test
    void aStorWithoutPasvIs503AndOpensNothing() throws IOException {
        FTPClient fresh = ftp.login("writer", "w-secret");
        assertEquals(503, fresh.sendCommand("STOR", "x.txt"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void anUploadIntoAMissingDirectoryIsRefused() throws IOException {
        assertFalse(store(client, "nodir/x.txt", TestDfs.text("x")));
        assertRefused(client, 550, "nodir");
        assertFalse(store(client, "old.txt/x.txt", TestDfs.text("x")));
        assertRefused(client, 550, "is a file");
        assertFalse(store(client, "docs", TestDfs.text("x")));
        assertRefused(client, 550, "is a directory");
    }

    @Test
    void badNamesAre553() throws IOException {
        assertFalse(store(client, LocalRoot.TEMP_PREFIX + "sneaky", TestDfs.text("x")));
        assertRefused(client, 553, LocalRoot.TEMP_PREFIX);
        assertFalse(store(client, "bad\u0001name", TestDfs.text("x")));
        assertEquals(553, client.getReplyCode(), client.getReplyString());
        assertFalse(store(client, "back\\slash", TestDfs.text("x")));
        assertEquals(553, client.getReplyCode(), client.getReplyString());
        assertFalse(client.makeDirectory("tab\tdir"));
        assertEquals(553, client.getReplyCode(), client.getReplyString());
        assertFalse(store(client, "../../../escape.txt", TestDfs.text("x")));
        assertEquals(553, client.getReplyCode(), client.getReplyString());
        assertFalse(client.rename("old.txt", LocalRoot.TEMP_PREFIX + "x"));
        assertEquals(553, client.getReplyCode(), client.getReplyString());
        assertEquals(List.of(), leftovers());
        assertTrue(client.sendNoOp());
    }

    @Test
    void oddNamesAreFine() throws IOException {
        for (String name : List.of("with space.txt", "naïve €.txt", "hash#.txt", "per%cent.txt", "quote\"d.txt")) {
            assertTrue(store(client, name, TestDfs.text(name)), name + ": " + client.getReplyString());
            assertEquals(name, Files.readString(dir.resolve(name)));
        }
        assertTrue(client.makeDirectory("dir \"q\""));
        assertEquals("257 \"/dir \"\"q\"\"\" created.", client.getReplyString().trim());
    }

    // --- directories, deletions, renames, times

    @Test
    void mkdAndRmd() throws IOException {
        assertTrue(client.makeDirectory("docs/sub"), client.getReplyString());
        assertEquals(257, client.getReplyCode());
        assertTrue(client.getReplyString().contains("\"/docs/sub\""), client.getReplyString());
        assertTrue(Files.isDirectory(dir.resolve("docs/sub")));
        assertTrue(at("docs/sub").isDirectory());
        assertTrue(client.changeWorkingDirectory("/docs/sub"));
        assertTrue(client.changeWorkingDirectory("/"));

        assertFalse(client.makeDirectory("docs/sub"));
        assertRefused(client, 550, "already exists");
        assertFalse(client.makeDirectory("no/such/parent"));
        assertEquals(550, client.getReplyCode());

        assertTrue(store(client, "docs/sub/f", TestDfs.text("f")));
        assertFalse(client.removeDirectory("docs/sub"));
        assertRefused(client, 550, "Directory not empty");
        assertTrue(Files.exists(dir.resolve("docs/sub/f")));
        assertTrue(client.deleteFile("docs/sub/f"));
        assertTrue(client.removeDirectory("docs/sub"), client.getReplyString());
        assertEquals(250, client.getReplyCode());
        assertFalse(Files.exists(dir.resolve("docs/sub")));
        assertNull(at("docs/sub"));
        assertFalse(client.removeDirectory("docs/sub"));
        assertRefused(client, 550, "not found");
    }

    @Test
    void rmdRefusesADirectoryWhoseDiskHoldsMoreThanTheTreeShows() throws IOException {
        assertTrue(client.makeDirectory("busy"));
        Files.writeString(dir.resolve("busy/" + LocalRoot.TEMP_PREFIX + "123"), "an upload in progress");
        assertFalse(client.removeDirectory("busy"));
        assertRefused(client, 550, "Directory not empty");
        assertTrue(Files.exists(dir.resolve("busy/" + LocalRoot.TEMP_PREFIX + "123")));
    }

    @Test
    void rmdOfAFileAndDeleOfADirectoryAreRefused() throws IOException {
        assertFalse(client.removeDirectory("old.txt"));
        assertRefused(client, 550, "not a directory");
        assertFalse(client.deleteFile("docs"));
        assertRefused(client, 550, "is a directory");
        assertTrue(Files.exists(dir.resolve("docs/a.txt")));
        assertFalse(client.removeDirectory("/"));
        assertEquals(550, client.getReplyCode());
    }

    @Test
    void deleRemovesAFile() throws IOException {
        assertTrue(client.deleteFile("docs/a.txt"), client.getReplyString());
        assertEquals(250, client.getReplyCode());
        assertFalse(Files.exists(dir.resolve("docs/a.txt")));
        assertNull(at("docs/a.txt"));
        assertEquals(List.of(), names(client.listFiles("/docs")));
        assertFalse(client.deleteFile("docs/a.txt"));
        assertRefused(client, 550, "not found");
    }

    @Test
    void renameMovesFilesAndDirectories() throws IOException {
        assertTrue(client.rename("old.txt", "docs/renamed.txt"), client.getReplyString());
        assertFalse(Files.exists(dir.resolve("old.txt")));
        assertEquals("old content", Files.readString(dir.resolve("docs/renamed.txt")));
        assertNull(at("old.txt"));
        assertNotNull(at("docs/renamed.txt"));

        assertTrue(client.rename("docs/renamed.txt", "docs/a.txt"), "a file is replaced, as rename(2) does");
        assertEquals("old content", Files.readString(dir.resolve("docs/a.txt")));

        assertTrue(client.rename("docs", "papers"), client.getReplyString());
        assertTrue(Files.isDirectory(dir.resolve("papers")));
        assertNotNull(at("papers/a.txt"));
        assertNull(at("docs"));
    }

    @Test
    void renameRefusals() throws IOException {
        assertEquals(503, client.sendCommand("RNTO", "x"), "RNTO needs RNFR");
        assertEquals(550, client.sendCommand("RNFR", "absent"));
        assertTrue(client.getReplyString().contains("not found"), client.getReplyString());
        assertEquals(350, client.sendCommand("RNFR", "old.txt"));
        assertEquals(550, client.sendCommand("RNTO", "docs"));
        assertTrue(client.getReplyString().contains("is a directory"), client.getReplyString());
        assertEquals(503, client.sendCommand("RNTO", "x"), "one RNTO per RNFR");
        assertEquals(350, client.sendCommand("RNFR", "docs"));
        assertEquals(550, client.sendCommand("RNTO", "docs/inside"));
        assertTrue(Files.exists(dir.resolve("old.txt")));
        assertTrue(Files.isDirectory(dir.resolve("docs")));
    }

    @Test
    void mfmtSetsTheModificationTime() throws IOException {
        assertEquals(213, client.sendCommand("MFMT", "20200102030405 docs/a.txt"), client.getReplyString());
        assertEquals("213 Modify=20200102030405; /docs/a.txt", client.getReplyString().trim());
        Instant expected = Instant.parse("2020-01-02T03:04:05Z");
        assertEquals(FileTime.from(expected), Files.getLastModifiedTime(dir.resolve("docs/a.txt")));
        assertEquals(expected.getEpochSecond(), at("docs/a.txt").lastModified());
        assertEquals("20200102030405.000", client.getModificationTime("docs/a.txt"));
        assertEquals(213, client.sendCommand("MFMT", "20210102030405.250 docs"), "directories too, with a fraction");
        assertEquals(FileTime.from(Instant.parse("2021-01-02T03:04:05.250Z")),
                Files.getLastModifiedTime(dir.resolve("docs")));
    }

    @Test
    void mfmtRefusals() throws IOException {
        assertEquals(501, client.sendCommand("MFMT", "2020 docs/a.txt"));
        assertEquals(501, client.sendCommand("MFMT", "20201341000000 docs/a.txt"));
        assertEquals(501, client.sendCommand("MFMT"));
        assertEquals(550, client.sendCommand("MFMT", "20200102030405 absent"));
        assertTrue(client.getReplyString().contains("not found"), client.getReplyString());
    }

    @Test
    void siteWritesAreRefusedWithTheirReason() throws IOException {
        assertFalse(client.sendSiteCommand("CHMOD 600 old.txt"));
        assertRefused(client, 550, "permissions");
        assertFalse(client.sendSiteCommand("UTIME 20200102030405 old.txt"));
        assertRefused(client, 550, "MFMT");
        assertEquals(550, client.sendCommand("MFF", "Modify=20200102030405; old.txt"));
    }

    @Test
    void featAdvertisesMfmtAndTheBannerWrites() throws IOException {
        assertTrue(client.features());
        assertTrue(client.hasFeature("MFMT"), client.getReplyString());
        FTPClient fresh = ftp.connect();
        assertTrue(fresh.getReplyString().contains("to write"), fresh.getReplyString());
    }

    // --- users

    @Test
    void anonymousReadsButNeverWrites() throws IOException {
        FTPClient anonymous = ftp.login();
        assertArrayEquals(TestDfs.text("old content"), retrieve(anonymous, "old.txt"));
        assertFalse(store(anonymous, "anon.txt", TestDfs.text("x")));
        assertRefused(anonymous, 550, "anonymous users may only read");
        assertFalse(anonymous.makeDirectory("anon"));
        assertRefused(anonymous, 550, "anonymous");
        assertFalse(anonymous.deleteFile("old.txt"));
        assertEquals(550, anonymous.sendCommand("RNFR", "old.txt"));
        assertEquals(550, anonymous.sendCommand("MFMT", "20200102030405 old.txt"));
        FTPClient ftpUser = ftp.login("ftp", "guest@example.com");
        assertFalse(store(ftpUser, "anon.txt", TestDfs.text("x")));
        assertRefused(ftpUser, 550, "anonymous");
        assertFalse(Files.exists(dir.resolve("anon.txt")));
        assertTrue(Files.exists(dir.resolve("old.txt")));
    }

    @Test
    void aReadUserReadsButNeverWrites() throws IOException {
        FTPClient reader = ftp.login("reader", "r-secret");
        assertArrayEquals(TestDfs.text("old content"), retrieve(reader, "old.txt"));
        assertFalse(store(reader, "r.txt", TestDfs.text("x")));
        assertRefused(reader, 550, "user reader may only read");
        assertFalse(reader.appendFile("old.txt", new ByteArrayInputStream(TestDfs.text("x"))));
        assertEquals(550, reader.getReplyCode());
        assertFalse(reader.storeUniqueFile(new ByteArrayInputStream(TestDfs.text("x"))));
        assertEquals(550, reader.getReplyCode());
        assertFalse(reader.makeDirectory("r"));
        assertFalse(reader.removeDirectory("docs"));
        assertFalse(reader.deleteFile("old.txt"));
        assertFalse(reader.rename("old.txt", "r.txt"));
        assertEquals(550, reader.sendCommand("MFMT", "20200102030405 old.txt"));
        assertEquals("old content", Files.readString(dir.resolve("old.txt")));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aPrefixUserWritesInsideItsPrefixOnly() throws IOException {
        FTPClient scoped = ftp.login("scoped", "s-secret");
        assertTrue(store(scoped, "scoped/mine.txt", TestDfs.text("mine")), scoped.getReplyString());
        assertTrue(scoped.makeDirectory("/scoped/sub"));
        assertTrue(scoped.rename("/scoped/mine.txt", "/scoped/sub/mine.txt"));
        assertEquals(213, scoped.sendCommand("MFMT", "20200102030405 scoped/sub/mine.txt"));

        assertFalse(store(scoped, "outside.txt", TestDfs.text("x")));
        assertRefused(scoped, 550, "only below /scoped");
        assertFalse(store(scoped, "scopedX/x.txt", TestDfs.text("x")), "a prefix is whole segments");
        assertEquals(550, scoped.getReplyCode());
        assertFalse(scoped.rename("/scoped/sub/mine.txt", "/stolen.txt"), "the destination is checked");
        assertRefused(scoped, 550, "only below /scoped");
        assertEquals(550, scoped.sendCommand("RNFR", "/old.txt"), "and the source");
        assertFalse(scoped.deleteFile("/old.txt"));
        assertFalse(scoped.removeDirectory("/scoped"), "the prefix itself is the user's, but not empty");
        assertEquals(550, scoped.getReplyCode());
        assertEquals("mine", Files.readString(dir.resolve("scoped/sub/mine.txt")));
        assertTrue(Files.exists(dir.resolve("old.txt")));
        assertFalse(Files.exists(dir.resolve("outside.txt")));
    }

    @Test
    void wrongPasswordsAndUnknownUsersAre530() throws IOException {
        FTPClient c = ftp.connect();
        assertFalse(c.login("writer", "wrong"));
        assertEquals(530, c.getReplyCode());
        FTPClient d = ftp.connect();
        assertFalse(d.login("nobody", "w-secret"));
        assertEquals(530, d.getReplyCode());
        FTPClient e = ftp.connect();
        assertFalse(e.login("writer", ""));
        assertEquals(530, e.getReplyCode());
    }

    @Test
    void failedLoginsFromOneAddressAreHeldBack() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 4; i++) {
            FTPClient c = ftp.connect();
            assertFalse(c.login("writer", "guess" + i));
        }
        assertTrue(throttle.delayMillis(loopback) > 0, "four failures in a row");
        long t0 = System.nanoTime();
        FTPClient c = ftp.connect();
        assertFalse(c.login("writer", "guess again"));
        assertEquals(530, c.getReplyCode());
        assertTrue(System.nanoTime() - t0 >= 250_000_000L, "the answer waited the throttle's delay");
        assertTrue(ftp.connect().login("writer", "w-secret"), "the right password still logs in");
        assertEquals(0, throttle.delayMillis(loopback), "and a success forgives the address");
    }

    @Test
    void withAnonymousReadingOffOnlyUsersLogIn() throws IOException {
        try (FtpTestServer closed = FtpTestServer.start(dfs,
                new FtpWrites(dfs.writes(), remote, users, throttle, false, LIMIT))) {
            FTPClient anonymous = closed.connect();
            assertFalse(anonymous.login("anonymous", "a@example.com"));
            assertEquals(530, anonymous.getReplyCode());
            FTPClient ftpUser = closed.connect();
            assertFalse(ftpUser.login("ftp", "a@example.com"));
            assertEquals(530, ftpUser.getReplyCode());
            assertNotNull(closed.login("reader", "r-secret"));
            FTPClient banner = closed.connect();
            assertFalse(banner.getReplyString().contains("anonymous"), banner.getReplyString());
        }
    }

    @Test
    void aReadOnlyServerWithUsersStillRefusesEveryWriteAsReadOnly() throws IOException {
        try (FtpTestServer readOnly = FtpTestServer.start(dfs,
                new FtpWrites(null, remote, users, throttle, true, LIMIT))) {
            FTPClient writer = readOnly.login("writer", "w-secret");
            assertFalse(store(writer, "x.txt", TestDfs.text("x")));
            assertRefused(writer, 550, "read-only");
            assertFalse(writer.makeDirectory("x"));
            assertRefused(writer, 550, "read-only");
            assertFalse(writer.sendSiteCommand("CHMOD 600 old.txt"));
            assertRefused(writer, 550, "read-only");
            writer.features();
            assertFalse(writer.hasFeature("MFMT"));
        }
        assertFalse(Files.exists(dir.resolve("x.txt")));
    }

    // --- other nodes' files

    @Test
    void writesToAPeersFilesGoToThePeer() throws IOException {
        byte[] content = TestDfs.random(150_000, 33);
        assertTrue(store(client, "peer/only.txt", content), client.getReplyString());
        assertArrayEquals(content, remote.uploaded(TestDfs.PEER, "peer/only.txt"));
        client.setRestartOffset(5);
        assertTrue(store(client, "peer/only.txt", TestDfs.text("tail")));
        assertTrue(client.appendFile("peer/only.txt", new ByteArrayInputStream(TestDfs.text("more"))));
        assertTrue(client.makeDirectory("peer/sub/new"));
        assertTrue(client.deleteFile("peer/only.txt"));
        assertTrue(client.rename("peer/sub", "peer/moved"));
        assertEquals(213, client.sendCommand("MFMT", "20200102030405 peer/only.txt"));
        assertEquals(List.of(
                "upload beta /peer/only.txt keep=0 user=writer",
                "upload beta /peer/only.txt keep=5 user=writer",
                "upload beta /peer/only.txt keep=9 user=writer", // APPE keeps the size the tree says
                "mkdir beta /peer/sub/new user=writer",
                "delete beta /peer/only.txt user=writer",
                "move beta /peer/sub /peer/moved user=writer",
                "setModified beta /peer/only.txt 1577934245000 user=writer"), remote.calls());
        assertFalse(Files.exists(dir.resolve("peer")), "nothing of it on this node's disk");
    }

    @Test
    void aPeersRefusalsGetTheirReplies() throws IOException {
        remote.failNext(new WriteException(WriteException.Kind.TOO_LARGE, "node beta refused it (413): too big"));
        assertFalse(store(client, "peer/only.txt", TestDfs.text("x")));
        assertRefused(client, 552, "too big");
        remote.failNext(new WriteException(WriteException.Kind.BAD_NAME, "node beta refused it (400)"));
        assertFalse(client.makeDirectory("peer/x"));
        assertEquals(553, client.getReplyCode());
        remote.failNext(new OwnerUnavailableException("node beta cannot be reached"));
        assertFalse(store(client, "peer/only.txt", TestDfs.text("x")));
        assertRefused(client, 451, "node beta cannot be reached");
        remote.failNext(new WriteException(WriteException.Kind.FORBIDDEN, "node beta refused it (403)"));
        assertFalse(client.deleteFile("peer/only.txt"));
        assertEquals(550, client.getReplyCode());
        remote.failNext(new WriteException(WriteException.Kind.NO_SPACE, "node beta refused it (507)"));
        assertEquals(552, client.sendCommand("MFMT", "20200102030405 peer/only.txt"));
    }

    @Test
    void aPeersUploadOverThisNodesLimitIsCutHere() throws IOException {
        assertFalse(store(client, "peer/only.txt", TestDfs.random((int) LIMIT + 1, 34)));
        assertRefused(client, 552, "upload limit");
        assertNull(remote.uploaded(TestDfs.PEER, "peer/only.txt"));
        assertEquals(List.of("beta:/peer/only.txt"), remote.aborted());
    }

    @Test
    void renamesAcrossNodesAreRefused() throws IOException {
        assertFalse(client.rename("old.txt", "peer/sub/old.txt"));
        assertRefused(client, 550, "within one node only");
        assertFalse(client.rename("peer/only.txt", "only.txt"));
        assertRefused(client, 550, "within one node only");
        assertTrue(Files.exists(dir.resolve("old.txt")));
        assertEquals(List.of(), remote.calls());
    }

    @Test
    void aNodeThatCannotForwardAnswers451ForPeersFiles() throws IOException {
        try (FtpTestServer alone = FtpTestServer.start(dfs,
                new FtpWrites(dfs.writes(), null, users, throttle, true, LIMIT))) {
            FTPClient writer = alone.login("writer", "w-secret");
            assertFalse(store(writer, "peer/only.txt", TestDfs.text("x")));
            assertRefused(writer, 451, "cannot forward");
            assertFalse(writer.makeDirectory("peer/new"));
            assertEquals(451, writer.getReplyCode());
            assertTrue(store(writer, "mine.txt", TestDfs.text("local writes still work")));
        }
    }

    @Test
    void theRootOfTheDfsIsNobodysToRemove() throws IOException {
        assertNotEquals(250, client.sendCommand("RMD", "/"));
        assertNotEquals(250, client.sendCommand("DELE", "/"));
        assertTrue(Files.isDirectory(dir));
    }
}
