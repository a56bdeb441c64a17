package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.dftp.core.auth.PasswordHash;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.User;
import org.dftp.core.auth.Users;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password checks: requests with the same credentials at once share one PBKDF2; different ones do not. */
class AccessTest {
    @TempDir
    Path dir;

    private static String hash(String password) throws Exception {
        return PasswordHash.hash(password.toCharArray(), PasswordHash.MIN_ITERATIONS);
    }

    @Test
    void concurrentChecksOfTheSameCredentialsShareOnePbkdf2() throws Exception {
        Path file = Files.writeString(dir.resolve("users"), "alice:" + hash("secret") + ":write\n");
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        Access access = new Access(Users.load(file), true, new LoginThrottle(), a -> false, queued::add);
        List<CompletableFuture<User>> checks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            checks.add(access.verify(new Access.Credentials("alice", "secret")));
        }
        CompletableFuture<User> wrong = access.verify(new Access.Credentials("alice", "guess"));
        assertEquals(2, queued.size(), "one check for the 64 alike, one for the other password");
        queued.forEach(Runnable::run);
        User alice = checks.get(0).join();
        assertEquals("alice", alice.name());
        for (CompletableFuture<User> c : checks) {
            assertSame(alice, c.join());
        }
        assertNull(wrong.join());
        access.verify(new Access.Credentials("alice", "secret"));
        assertEquals(3, queued.size(), "a check that ended is not shared with later requests");
    }
}
