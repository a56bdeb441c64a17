package org.dftp.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The users file: what it accepts, how each mistake is reported (with file and line, without the hash),
 * the rights it grants, logins with and without the cache, and re-reading it as it changes. Hashes are
 * made with 10,000 iterations so that the whole class runs in well under a second or two.
 */
class UsersTest {
    static final String ALICE_PW = "alice's password";
    static final String BOB_PW = "bob's password";
    static final String CAROL_PW = "carol's password";
    static final String ALICE = fastHash(ALICE_PW, 1);
    static final String BOB = fastHash(BOB_PW, 2);
    static final String CAROL = fastHash(CAROL_PW, 3);

    @TempDir
    Path dir;
    Path file;
    final FakeClock clock = new FakeClock();
    /** Bumps the modification time on every rewrite, whatever the file system's resolution. */
    long writes;

    final Logger logger = (Logger) LoggerFactory.getLogger(Users.class);
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    static String fastHash(String password, int saltByte) {
        byte[] salt = new byte[16];
        salt[0] = (byte) saltByte;
        return PasswordHash.hash(password.toCharArray(), salt, 10_000);
    }

    @BeforeEach
    void setUp() {
        file = dir.resolve("users");
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logged);
    }

    void write(String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(++writes)));
    }

    Users load(String... lines) throws IOException {
        write(lines);
        return Users.load(file, clock);
    }

    List<ILoggingEvent> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    @Test
    void readsUsersRightsAndPrefixes() throws IOException {
        Users users = load(
                "# who may log in",
                "",
                "alice:" + ALICE + ":write",
                "   ",
                "  bob:" + BOB + ":read:/pub  ",
                "\t# an indented comment",
                "carol:" + CAROL + ":write:/incoming/a:b/ünï//",
                "d.e_f-g@example.org:" + ALICE + ":read:",
                "x".repeat(64) + ":" + ALICE + ":write:/");
        assertFalse(users.isEmpty());
        assertEquals(new User("alice", true, DfsPath.ROOT), users.find("alice"));
        assertEquals(new User("bob", false, DfsPath.of("/pub")), users.find("bob"));
        assertEquals(new User("carol", true, DfsPath.of("/incoming/a:b/ünï")), users.find("carol"),
                "the prefix is the rest of the line, colons and all");
        assertEquals(new User("d.e_f-g@example.org", false, DfsPath.ROOT), users.find("d.e_f-g@example.org"));
        assertEquals(new User("x".repeat(64), true, DfsPath.ROOT), users.find("x".repeat(64)));
        assertNull(users.find("Alice"), "names are case-sensitive");
        assertNull(users.find("nobody"));
        assertNull(users.find(null));
    }

    @Test
    void takesWindowsLineEndsAndAByteOrderMark() throws IOException {
        Files.write(file, ("\uFEFFalice:" + ALICE + ":write\r\nbob:" + BOB + ":read:/pub\r\n")
                .getBytes(StandardCharsets.UTF_8));
        Users users = Users.load(file, clock);
        assertEquals(new User("alice", true, DfsPath.ROOT), users.find("alice"));
        assertEquals(new User("bob", false, DfsPath.of("/pub")), users.find("bob"));
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("hunter2", "expected name:hash:read|write"),
                Arguments.of("mallory:" + BOB, "expected name:hash:read|write"),
                Arguments.of(":" + BOB + ":read", "user name"),
                Arguments.of("x".repeat(65) + ":" + BOB + ":read", "user name"),
                Arguments.of("mal lory:" + BOB + ":read", "user name"),
                Arguments.of("mal/lory:" + BOB + ":read", "user name"),
                Arguments.of("mallory:" + BOB_PW + ":read", "malformed password hash"),
                Arguments.of("mallory:" + BOB.replace("10000", "1000") + ":read", "malformed password hash"),
                Arguments.of("mallory:" + BOB.substring(0, BOB.length() - 1) + ":read", "malformed password hash"),
                Arguments.of("mallory::read", "malformed password hash"),
                Arguments.of("mallory:" + BOB + ":admin", "rights must be read or write"),
                Arguments.of("mallory:" + BOB + ":READ", "rights must be read or write"),
                Arguments.of("mallory:" + BOB + ":", "rights must be read or write"),
                Arguments.of("mallory:" + BOB + ":write:/a/../b", "bad path prefix"),
                Arguments.of("mallory:" + BOB + ":write:/a\\b", "bad path prefix"),
                Arguments.of("alice:" + BOB + ":read", "user alice is already on line 2"));
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void aBadLineNamesFileAndLineButNoSecret(String line, String what) throws IOException {
        write("# users", "alice:" + ALICE + ":write", line, "carol:" + CAROL + ":read");
        IOException e = assertThrows(IOException.class, () -> Users.load(file, clock));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ":3: "), message);
        assertTrue(message.contains(what), message);
        for (String secret : List.of(ALICE, BOB, CAROL, ALICE_PW, BOB_PW, CAROL_PW, "hunter2")) {
            assertFalse(message.contains(secret), message);
        }
        String[] hashParts = BOB.split("\\$");
        assertFalse(message.contains(hashParts[2]) || message.contains(hashParts[3]), message);
    }

    @Test
    void aLineThatIsNotUtf8IsNamed() throws IOException {
        byte[] good = ("alice:" + ALICE + ":write\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = ("bob:" + BOB + ":write:/caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Files.write(file, all);
        IOException e = assertThrows(IOException.class, () -> Users.load(file, clock));
        assertEquals(file + ":2: not valid UTF-8", e.getMessage());
    }

    @Test
    void aMissingFileDoesNotLoad() {
        assertThrows(NoSuchFileException.class, () -> Users.load(dir.resolve("absent"), clock));
    }

    @Test
    void aFileWithoutUsersIsEmpty() throws IOException {
        Users users = load("# nobody yet", "");
        assertTrue(users.isEmpty());
        assertNull(users.authenticate("alice", ALICE_PW));
    }

    @Test
    void noneLetsNobodyIn() {
        Users users = Users.none();
        assertTrue(users.isEmpty());
        assertNull(users.authenticate("alice", ALICE_PW));
        assertNull(users.authenticateCached("alice", ALICE_PW));
        assertNull(users.find("alice"));
    }

    @Test
    void writersWriteWithinTheirPrefixAndReadersNever() throws IOException {
        Users users = load(
                "alice:" + ALICE + ":write",
                "bob:" + BOB + ":read",
                "carol:" + CAROL + ":write:/pub/incoming");
        User alice = users.find("alice");
        User bob = users.find("bob");
        User carol = users.find("carol");
        for (String p : List.of("/", "/a", "/pub/incoming/x")) {
            assertTrue(alice.mayWrite(DfsPath.of(p)), p);
            assertFalse(bob.mayWrite(DfsPath.of(p)), p);
            assertFalse(User.ANONYMOUS.mayWrite(DfsPath.of(p)), p);
        }
        assertTrue(carol.mayWrite(DfsPath.of("/pub/incoming")));
        assertTrue(carol.mayWrite(DfsPath.of("/pub/incoming/a/b.txt")));
        assertFalse(carol.mayWrite(DfsPath.of("/pub/incomingx")), "a prefix of segments, not of characters");
        assertFalse(carol.mayWrite(DfsPath.of("/pub")));
        assertFalse(carol.mayWrite(DfsPath.ROOT));
        assertFalse(carol.mayWrite(DfsPath.of("/other/incoming")));
        assertFalse(new User("reader", false, DfsPath.of("/pub")).mayWrite(DfsPath.of("/pub/x")));
    }

    @Test
    void authenticatesTheRightPasswordOnly() throws IOException {
        Users users = load("alice:" + ALICE + ":write", "bob:" + BOB + ":read:/pub");
        assertEquals(new User("alice", true, DfsPath.ROOT), users.authenticate("alice", ALICE_PW));
        assertEquals(new User("bob", false, DfsPath.of("/pub")), users.authenticate("bob", BOB_PW));
        assertNull(users.authenticate("alice", BOB_PW), "another user's password");
        assertNull(users.authenticate("alice", ""));
        assertNull(users.authenticate("alice", ALICE_PW + " "));
        assertNull(users.authenticate("mallory", ALICE_PW), "unknown name");
        assertNull(users.authenticate(null, ALICE_PW));
        assertNull(users.authenticate("alice", null));
    }

    @Test
    void theCacheAnswersOnlyWhatVerifiedBefore() throws IOException {
        Users users = load("alice:" + ALICE + ":write", "bob:" + BOB + ":read");
        assertNull(users.authenticateCached("alice", ALICE_PW), "nothing verified yet");
        assertNull(users.authenticate("alice", BOB_PW));
        assertNull(users.authenticateCached("alice", BOB_PW), "a failure is not cached");

        assertNotNull(users.authenticate("alice", ALICE_PW));
        assertEquals(new User("alice", true, DfsPath.ROOT), users.authenticateCached("alice", ALICE_PW));
        assertNull(users.authenticateCached("alice", BOB_PW), "only exactly that password");
        assertNull(users.authenticateCached("alice", ALICE_PW + "x"));
        assertNull(users.authenticateCached("bob", BOB_PW), "only that name");
        assertNull(users.authenticateCached("mallory", ALICE_PW));
        assertEquals(new User("alice", true, DfsPath.ROOT), users.authenticateCached("alice", ALICE_PW),
                "a wrong try does not evict the right one");
    }

    @Test
    void aReloadEmptiesTheCache() throws IOException {
        Users users = load("alice:" + ALICE + ":write");
        assertNotNull(users.authenticate("alice", ALICE_PW));
        write("alice:" + ALICE + ":read", "bob:" + BOB + ":read");
        clock.advance(Duration.ofSeconds(1));
        assertNull(users.authenticateCached("alice", ALICE_PW), "a look at the file was due: it was read again");
        assertNull(users.authenticateCached("alice", ALICE_PW), "and the cache emptied");
        assertEquals(new User("alice", false, DfsPath.ROOT), users.authenticate("alice", ALICE_PW));
        assertEquals(new User("alice", false, DfsPath.ROOT), users.authenticateCached("alice", ALICE_PW));
    }

    @Test
    void anUnchangedFileDueALookStillAnswersFromTheCache() throws IOException {
        Users users = load("alice:" + ALICE + ":write");
        assertNotNull(users.authenticate("alice", ALICE_PW));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(new User("alice", true, DfsPath.ROOT), users.authenticateCached("alice", ALICE_PW),
                "an idle second costs a stat, not a PBKDF2");
    }

    @Test
    void aChangedFileIsReadAgainAfterASecond() throws IOException {
        Users users = load("alice:" + ALICE + ":write");
        write("bob:" + BOB + ":read:/pub");
        clock.advance(Duration.ofMillis(999));
        assertNotNull(users.authenticate("alice", ALICE_PW), "less than a second: the file is not looked at");
        assertNull(users.find("bob"));

        clock.advance(Duration.ofMillis(1));
        assertEquals(new User("bob", false, DfsPath.of("/pub")), users.authenticate("bob", BOB_PW));
        assertNull(users.authenticate("alice", ALICE_PW), "alice was removed");
        assertNull(users.find("alice"));
        assertTrue(warnings().isEmpty());

        write("alice:" + ALICE + ":write", "bob:" + BOB + ":write");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(new User("bob", true, DfsPath.ROOT), users.find("bob"), "find looks at the file too");
        assertNotNull(users.find("alice"));
    }

    @Test
    void aBadChangeKeepsTheUsersAndWarnsOnce() throws IOException {
        Users users = load("alice:" + ALICE + ":write");
        write("alice:" + ALICE + ":write", "bob:" + BOB + ":admin");
        clock.advance(Duration.ofSeconds(1));
        assertNotNull(users.authenticate("alice", ALICE_PW), "the users read before");
        assertNull(users.find("bob"));
        clock.advance(Duration.ofSeconds(1));
        users.reloadIfChanged();

        List<ILoggingEvent> warnings = warnings();
        assertEquals(1, warnings.size(), "one warning for one bad change");
        String line = warnings.get(0).getFormattedMessage();
        assertTrue(line.contains(file + ":2: "), line);
        assertTrue(line.contains("keeping the 1 users"), line);
        assertFalse(line.contains(ALICE) || line.contains(BOB) || line.contains(BOB_PW), line);

        write("alice:" + ALICE + ":write", "bob:" + BOB + ":read");
        clock.advance(Duration.ofSeconds(1));
        assertNotNull(users.authenticate("bob", BOB_PW), "the fixed file is read");
        assertEquals(1, warnings().size());
    }

    @Test
    void aDeletedFileKeepsTheUsersAndWarnsOnce() throws IOException {
        Users users = load("alice:" + ALICE + ":write");
        Files.delete(file);
        clock.advance(Duration.ofSeconds(1));
        assertNotNull(users.authenticate("alice", ALICE_PW));
        clock.advance(Duration.ofSeconds(1));
        assertNotNull(users.find("alice"));
        assertEquals(1, warnings().size());
        assertTrue(warnings().get(0).getFormattedMessage().contains(file + " is gone"));

        write("bob:" + BOB + ":read");
        clock.advance(Duration.ofSeconds(1));
        assertNotNull(users.authenticate("bob", BOB_PW), "a file that comes back is read");
        assertNull(users.find("alice"));
    }

    @Test
    void anUnchangedFileIsNotReadAgain() throws IOException {
        Users users = load("alice:" + ALICE + ":write");
        assertNotNull(users.authenticate("alice", ALICE_PW));
        clock.advance(Duration.ofSeconds(5));
        users.reloadIfChanged();
        assertEquals(new User("alice", true, DfsPath.ROOT), users.authenticateCached("alice", ALICE_PW),
                "same file, same cache");
    }
}
