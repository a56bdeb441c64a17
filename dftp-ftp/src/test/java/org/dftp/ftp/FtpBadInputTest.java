package org.dftp.ftp;

import static org.dftp.ftp.FtpTestServer.retrieve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile or confused client may send: paths out of the DFS, over-long arguments and lines,
 * writes to a read-only server, and {@code PORT}/{@code EPRT} aimed at another host. Each gets a clear
 * refusal and leaves the session usable; nothing outside the DFS is ever read or written.
 */
class FtpBadInputTest {
    @TempDir
    Path base;
    private Path root;
    private FtpTestServer ftp;
    private FTPClient client;

    @BeforeEach
    void start() throws IOException {
        // A secret next to the local root: what an escape would reach.
        Files.writeString(base.resolve("secret.txt"), "secret");
        root = Files.createDirectories(base.resolve("root"));
        TestDfs dfs = new TestDfs(root)
                .local("pub/file.txt", TestDfs.text("public"))
                .remote(TestDfs.PEER, "pub/remote.txt", TestDfs.text("remote"));
        ftp = FtpTestServer.start(dfs);
        client = ftp.login();
        assertTrue(client.changeWorkingDirectory("/pub"));
    }

    @AfterEach
    void stop() {
        ftp.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../..", "..\\..\\..", "/../..", "/pub/../../secret.txt", "../..", "a\u0001b"})
    void cwdOutOfTheDfsIs550AndStaysPut(String target) throws IOException {
        assertFalse(client.changeWorkingDirectory(target));
        assertEquals(550, client.getReplyCode(), client.getReplyString());
        assertEquals("/pub", client.printWorkingDirectory());
    }

    @Test
    void cwdUpToTheRootIsFineButNotBeyond() throws IOException {
        assertTrue(client.changeWorkingDirectory(".."));
        assertEquals("/", client.printWorkingDirectory());
        assertFalse(client.changeToParentDirectory());
        assertEquals(550, client.getReplyCode());
        assertEquals("/", client.printWorkingDirectory());
    }

    @Test
    void theRefusalSaysWhy() throws IOException {
        assertEquals(550, client.sendCommand("CWD", "../../.."));
        assertTrue(client.getReplyString().contains("out of the DFS root"), client.getReplyString());
        assertEquals(550, client.sendCommand("RETR", "..\\secret.txt"));
        assertTrue(client.getReplyString().contains("backslash"), client.getReplyString());
    }

    @Test
    void encodedEscapesAreJustNamesThatDoNotExist() throws IOException {
        // FTP arguments are not URLs: %2e%2e is a file name, and no such file is in the DFS.
        assertFalse(client.changeWorkingDirectory("%2e%2e/%2e%2e"));
        assertEquals(550, client.getReplyCode());
        assertNull(retrieve(client, "%2e%2e%2f%2e%2e%2fsecret.txt"));
        assertEquals(550, client.getReplyCode());
    }

    @ParameterizedTest
    @CsvSource({
        "RETR, ../../secret.txt, 550",
        "RETR, /../secret.txt, 550",
        "SIZE, ../../secret.txt, 550",
        "MDTM, ../../secret.txt, 550",
        "LIST, ../..,            550",
        "LIST, -la ../..,        550",
        "NLST, ../..,            550",
        "MLSD, ../..,            550",
        "MLST, ../..,            501",
        "STAT, ../..,            550",
    })
    void everyReadingCommandRefusesPathsOutOfTheDfs(String command, String argument, int code) throws IOException {
        assertEquals(code, client.sendCommand(command, argument), client.getReplyString());
        assertTrue(client.sendNoOp(), "the session goes on");
    }

    /**
     * The traversal corpus of the hostile-input suite (docs/RELIABILITY.md) with real data connections:
     * {@code RETR}, {@code NLST}, {@code LIST} and {@code CWD} of each path, from {@code /pub} and from the root.
     * Nothing from outside the DFS comes back, a refusal is {@code 550} or {@code 501}, and the session goes on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "../secret.txt", "../../secret.txt", "/../secret.txt", "/../",
        "/..", "//../secret.txt", "/pub/../../secret.txt", "pub/../../secret.txt", "./../../secret.txt",
        "../../../../../../../../etc/passwd", "..\\secret.txt", "..\\..\\secret.txt", "/pub/..\\..\\secret.txt",
        "%2e%2e/secret.txt", "%2e%2e%2f%2e%2e%2fsecret.txt", "..%2fsecret.txt", "..%5csecret.txt",
        "file.txt\u0000../../secret.txt", "\u0000", "..\u0000", "\u00c0\u00ae\u00c0\u00ae/secret.txt",
        "\uff0e\uff0e/secret.txt", "/pub//..//..//secret.txt", "~/../secret.txt", "~root/../secret.txt", "*", "../*",
        "/pub/file.txt/../../secret.txt"})
    void theTraversalCorpusNeverReachesOutsideTheDfs(String path) throws IOException {
        for (String cwd : List.of("/pub", "/")) {
            assertTrue(client.changeWorkingDirectory(cwd));
            byte[] got = retrieve(client, path);
            if (got != null) {
                assertFalse(new String(got, java.nio.charset.StandardCharsets.UTF_8).contains("secret"), path);
            } else {
                assertRefusal(path);
            }
            String[] names = client.listNames(path);
            if (names != null) {
                for (String n : names) {
                    assertFalse(n.contains("secret"), path + " listed " + n);
                    assertFalse(n.contains("root"), path + " listed " + n);
                }
            } else {
                assertRefusal(path);
            }
            org.apache.commons.net.ftp.FTPFile[] files = client.listFiles(path);
            for (org.apache.commons.net.ftp.FTPFile f : files) {
                assertFalse(f.getName().contains("secret"), path + " listed " + f.getName());
            }
            if (client.changeWorkingDirectory(path)) {
                String pwd = client.printWorkingDirectory();
                assertTrue(pwd.equals("/") || pwd.startsWith("/pub"), path + " led to " + pwd);
            } else {
                assertRefusal(path);
            }
            assertTrue(client.sendNoOp(), "the session goes on");
        }
        assertEquals("secret", Files.readString(base.resolve("secret.txt")));
    }

    @Test
    void cdupAndCwdDotDotManyTimesStayAtTheRoot() throws IOException {
        for (int i = 0; i < 10; i++) {
            client.changeToParentDirectory();
            client.changeWorkingDirectory("..");
            assertEquals("/", client.printWorkingDirectory());
        }
        assertEquals(List.of("pub"), List.of(client.listNames()));
    }

    private void assertRefusal(String path) {
        int code = client.getReplyCode();
        assertTrue(code == 550 || code == 501 || code == 450, path + ": " + client.getReplyString());
    }

    @Test
    void overLongPathsAre550() throws IOException {
        assertEquals(550, client.sendCommand("CWD", "x".repeat(256)));
        assertTrue(client.getReplyString().contains("too long"), client.getReplyString());
        assertEquals(550, client.sendCommand("RETR", "a/".repeat(200) + "x".repeat(300)));
    }

    @Test
    void overLongCommandLinesAre501AndTheSessionGoesOn() throws IOException {
        assertEquals(501, client.sendCommand("CWD", "y".repeat(5000)));
        assertTrue(client.getReplyString().contains("too long"), client.getReplyString());
        assertTrue(client.sendNoOp());
        assertArrayEquals(TestDfs.text("public"), retrieve(client, "file.txt"));
    }

    @Test
    void uploadsAreRefusedAsReadOnlyAndWriteNothing() throws IOException {
        assertFalse(client.storeFile("new.txt", new ByteArrayInputStream(TestDfs.text("new"))));
        assertReadOnly();
        assertFalse(client.storeFile("file.txt", new ByteArrayInputStream(TestDfs.text("overwritten"))));
        assertReadOnly();
        assertFalse(client.appendFile("file.txt", new ByteArrayInputStream(TestDfs.text("more"))));
        assertReadOnly();
        assertFalse(client.storeUniqueFile(new ByteArrayInputStream(TestDfs.text("unique"))));
        assertReadOnly();
        assertEquals("public", Files.readString(root.resolve("pub/file.txt")));
        assertEquals(List.of("file.txt"), List.of(root.resolve("pub").toFile().list()));
        assertArrayEquals(TestDfs.text("public"), retrieve(client, "file.txt"), "the session goes on");
    }

    @Test
    void everyOtherWriteIsRefusedAsReadOnly() throws IOException {
        assertFalse(client.deleteFile("file.txt"));
        assertReadOnly();
        assertFalse(client.makeDirectory("newdir"));
        assertReadOnly();
        assertFalse(client.removeDirectory("/pub"));
        assertReadOnly();
        assertFalse(client.rename("file.txt", "renamed.txt"));
        assertReadOnly();
        assertEquals(550, client.sendCommand("RNTO", "renamed.txt"));
        assertReadOnly();
        assertFalse(client.sendSiteCommand("CHMOD 777 file.txt"));
        assertReadOnly();
        assertEquals(550, client.sendCommand("MFMT", "20200101000000 file.txt"));
        assertReadOnly();
        assertEquals(550, client.sendCommand("XMKD", "x"));
        assertReadOnly();
        assertTrue(Files.exists(root.resolve("pub/file.txt")));
        assertFalse(Files.exists(root.resolve("pub/newdir")));
    }

    @Test
    void writesOutOfTheDfsAreRefusedToo() throws IOException {
        assertFalse(client.storeFile("../../evil.txt", new ByteArrayInputStream(TestDfs.text("evil"))));
        assertEquals(550, client.getReplyCode());
        assertFalse(Files.exists(base.resolve("evil.txt")));
        assertFalse(client.deleteFile("../../secret.txt"));
        assertTrue(Files.exists(base.resolve("secret.txt")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PORT 10,1,2,3,4,5", "PORT 192,168,0,1,0,21", "EPRT |1|10.1.2.3|1234|",
        "EPRT |2|::1|1234|", "EPRT |1|example.com|21|"})
    void activeModeToAnotherHostIsRefused(String line) throws IOException {
        int space = line.indexOf(' ');
        assertEquals(504, client.sendCommand(line.substring(0, space), line.substring(space + 1)),
                client.getReplyString());
        assertTrue(client.getReplyString().contains("own address"), client.getReplyString());
    }

    @Test
    void activeModeToTheClientsOwnAddressIsAccepted() throws IOException {
        assertEquals(200, client.sendCommand("PORT", "127,0,0,1,200,10"));
        assertEquals(200, client.sendCommand("EPRT", "|1|127.0.0.1|51210|"));
    }

    @Test
    void malformedActiveModeArgumentsAreSyntaxErrors() throws IOException {
        assertEquals(501, client.sendCommand("PORT", "1,2,3"));
        assertEquals(501, client.sendCommand("EPRT", "|1|127.0.0.1|"));
    }

    private void assertReadOnly() {
        assertEquals(550, client.getReplyCode(), client.getReplyString());
        assertTrue(client.getReplyString().contains("read-only"), client.getReplyString());
    }
}
