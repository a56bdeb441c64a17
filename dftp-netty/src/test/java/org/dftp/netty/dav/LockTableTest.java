package org.dftp.netty.dav;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dftp.core.DfsPath;
import org.dftp.netty.dav.LockTable.Lock;
import org.junit.jupiter.api.Test;

/** The lock table: which locks meet, what they cover, and time, on a clock the test moves. */
class LockTableTest {
    private long now = 1_000_000_000_000L;
    private final LockTable locks = new LockTable(() -> now);

    private static DfsPath p(String s) {
        return DfsPath.of(s);
    }

    private void advance(long seconds) {
        now += TimeUnit.SECONDS.toNanos(seconds);
    }

    private Lock exclusive(String path, boolean deep) throws LockTable.Conflict {
        return locks.lock(p(path), true, deep, null, 60);
    }

    private Lock shared(String path, boolean deep) throws LockTable.Conflict {
        return locks.lock(p(path), false, deep, null, 60);
    }

    @Test
    void anExclusiveLockMeetsEveryOtherLockOnItsResource() throws Exception {
        Lock l = exclusive("a", false);
        assertTrue(l.token().startsWith(LockTable.TOKEN_PREFIX), l.token());
        assertTrue(l.exclusive());
        assertThrows(LockTable.Conflict.class, () -> exclusive("a", false));
        assertThrows(LockTable.Conflict.class, () -> shared("a", false));
        assertThrows(LockTable.Conflict.class, () -> shared("a", true));
        assertEquals(List.of(l), locks.covering(p("a")));
    }

    @Test
    void sharedLocksMeetOnlyExclusiveOnes() throws Exception {
        Lock one = shared("a", true);
        Lock two = shared("a", true);
        Lock three = shared("a/b", false);
        assertNotEquals(one.token(), two.token());
        assertThrows(LockTable.Conflict.class, () -> exclusive("a", false));
        assertThrows(LockTable.Conflict.class, () -> exclusive("a/b/c", false), "under a deep shared lock");
        assertEquals(List.of(one, two, three), locks.covering(p("a/b")));
        assertEquals(List.of(one, two), locks.covering(p("a/b/c")));
    }

    @Test
    void aDeepLockCoversEverythingBelowItsRoot() throws Exception {
        Lock deep = exclusive("a", true);
        assertThrows(LockTable.Conflict.class, () -> exclusive("a/b", false));
        assertThrows(LockTable.Conflict.class, () -> shared("a/b/c/d", false));
        assertDoesNotThrow(() -> exclusive("ab", false), "a sibling whose name starts the same is not below");
        assertDoesNotThrow(() -> exclusive("b", true));
        assertTrue(locks.isToken(deep.token(), p("a/b/c")));
        assertFalse(locks.isToken(deep.token(), p("ab")));
        assertFalse(locks.isToken(deep.token(), DfsPath.ROOT), "nor does it cover its parent");
    }

    @Test
    void aDepthZeroLockCoversItsResourceOnly() throws Exception {
        Lock flat = exclusive("a", false);
        Lock below = exclusive("a/b", false);
        assertTrue(locks.isToken(flat.token(), p("a")));
        assertFalse(locks.isToken(flat.token(), p("a/b")));
        assertEquals(List.of(below), locks.covering(p("a/b")));
        assertEquals(List.of(flat, below), locks.within(p("a")), "a removal of a meets both");
    }

    @Test
    void aDeepLockAboveAnExclusiveLockCannotBeTaken() throws Exception {
        exclusive("a/b/c", false);
        assertThrows(LockTable.Conflict.class, () -> exclusive("a", true));
        assertThrows(LockTable.Conflict.class, () -> locks.lock(DfsPath.ROOT, false, true, null, 60));
        assertDoesNotThrow(() -> exclusive("a", false), "a depth-0 lock on the ancestor does not reach down");
    }

    @Test
    void locksExpireAfterTheirTimeout() throws Exception {
        Lock l = locks.lock(p("a"), true, true, null, 10);
        assertEquals(10, l.timeoutSeconds());
        advance(9);
        assertTrue(locks.isToken(l.token(), p("a")));
        assertThrows(LockTable.Conflict.class, () -> exclusive("a", false));
        advance(1);
        assertFalse(locks.isToken(l.token(), p("a")), "gone at its expiry");
        assertEquals(List.of(), locks.covering(p("a")));
        assertEquals(List.of(), locks.within(DfsPath.ROOT));
        assertFalse(locks.unlock(l.token(), p("a")));
        assertNull(locks.refresh(l.token(), p("a"), 10));
        assertDoesNotThrow(() -> exclusive("a", false));
    }

    @Test
    void theClockMayWrapAround() throws Exception {
        now = Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(5);
        Lock l = locks.lock(p("a"), true, false, null, 10);
        advance(9); // past Long.MAX_VALUE
        assertTrue(locks.isToken(l.token(), p("a")));
        assertEquals(List.of(l), locks.covering(p("a")));
        advance(2);
        assertFalse(locks.isToken(l.token(), p("a")));
        assertEquals(List.of(), locks.covering(p("a")));
    }

    @Test
    void aRefreshStartsTheTimeoutAgain() throws Exception {
        Lock l = locks.lock(p("a"), true, true, "<D:owner xmlns:D=\"DAV:\">me</D:owner>", 10);
        advance(8);
        Lock renewed = locks.refresh(l.token(), p("a/b"), 10);
        assertNotNull(renewed, "a deep lock is refreshed through a resource below it");
        assertEquals(l.token(), renewed.token());
        assertEquals(l.ownerXml(), renewed.ownerXml());
        assertEquals(l.root(), renewed.root());
        assertTrue(renewed.deep() && renewed.exclusive());
        advance(8); // 16 s after the lock, 8 s after the refresh
        assertTrue(locks.isToken(l.token(), p("a")));
        advance(2);
        assertFalse(locks.isToken(l.token(), p("a")));
    }

    @Test
    void aRefreshNeedsTheTokenOfALockOnTheResource() throws Exception {
        Lock l = exclusive("a", false);
        assertNull(locks.refresh(LockTable.TOKEN_PREFIX + "no-such-lock", p("a"), 10));
        assertNull(locks.refresh(l.token(), p("b"), 10), "another resource");
        assertNull(locks.refresh(l.token(), p("a/b"), 10), "below a depth-0 lock");
        assertEquals(60, locks.covering(p("a")).get(0).timeoutSeconds(), "a failed refresh changes nothing");
    }

    @Test
    void timeoutsAreBounded() throws Exception {
        assertEquals(LockTable.DEFAULT_TIMEOUT_SECONDS, locks.lock(p("a"), true, false, null, 0).timeoutSeconds());
        assertEquals(LockTable.DEFAULT_TIMEOUT_SECONDS, locks.lock(p("b"), true, false, null, -5).timeoutSeconds());
        assertEquals(LockTable.MAX_TIMEOUT_SECONDS,
                locks.lock(p("c"), true, false, null, Long.MAX_VALUE / 4).timeoutSeconds());
    }

    @Test
    void unlockNeedsTheTokenAndAResourceItCovers() throws Exception {
        Lock l = exclusive("a", true);
        assertFalse(locks.unlock(l.token(), p("b")));
        assertFalse(locks.unlock(LockTable.TOKEN_PREFIX + "x", p("a")));
        assertTrue(locks.isToken(l.token(), p("a")));
        assertTrue(locks.unlock(l.token(), p("a/b")), "through a resource the deep lock covers");
        assertFalse(locks.unlock(l.token(), p("a")), "only once");
        assertFalse(locks.isToken(l.token(), p("a")));
        assertDoesNotThrow(() -> exclusive("a", true));
    }

    @Test
    void deleteForgetsTheLocksAtAndBelowAPath() throws Exception {
        Lock a = exclusive("a", false);
        Lock ab = exclusive("a/b", false);
        Lock ac = shared("a/c/d", true);
        Lock other = exclusive("ab", false);
        locks.delete(p("a"));
        assertFalse(locks.isToken(a.token(), p("a")));
        assertFalse(locks.isToken(ab.token(), p("a/b")));
        assertFalse(locks.isToken(ac.token(), p("a/c/d")));
        assertTrue(locks.isToken(other.token(), p("ab")));
    }

    @Test
    void theTableIsBounded() throws Exception {
        for (int i = 0; i < LockTable.MAX_LOCKS; i++) {
            locks.lock(p("f" + i), false, false, null, 60);
        }
        assertThrows(LockTable.Conflict.class, () -> shared("one-more", false));
        advance(61);
        assertDoesNotThrow(() -> shared("one-more", false), "expired locks make room");
    }
}
