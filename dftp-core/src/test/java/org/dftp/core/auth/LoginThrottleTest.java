package org.dftp.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The delay grows per failure and address, is capped, and is forgotten on success, with time, and under load. */
class LoginThrottleTest {
    private final FakeClock clock = new FakeClock();
    private final LoginThrottle throttle = new LoginThrottle(clock);

    static InetAddress address(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** delayMillis after each of n failures. */
    private List<Long> delaysOver(InetAddress from, int n) {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            throttle.failed(from);
            delays.add(throttle.delayMillis(from));
        }
        return delays;
    }

    @Test
    void growsFromTheFourthFailureAndStopsAtEightSeconds() {
        InetAddress a = address(1);
        assertEquals(0, throttle.delayMillis(a), "a stranger waits for nothing");
        assertEquals(List.of(0L, 0L, 0L, 250L, 500L, 1000L, 2000L, 4000L, 8000L, 8000L, 8000L),
                delaysOver(a, 11));
        assertEquals(0, throttle.delayMillis(address(2)), "one address's failures are its own");
    }

    @Test
    void theCapHoldsForAVeryLongRun() {
        assertEquals(8000, LoginThrottle.delayAfter(40));
        assertEquals(8000, LoginThrottle.delayAfter(Integer.MAX_VALUE));
        assertEquals(0, LoginThrottle.delayAfter(0));
    }

    @Test
    void aSuccessForgetsTheAddress() {
        InetAddress a = address(1);
        delaysOver(a, 6);
        assertEquals(1000, throttle.delayMillis(a));
        throttle.succeeded(a);
        assertEquals(0, throttle.delayMillis(a));
        assertEquals(0, throttle.tracked());
        assertEquals(List.of(0L, 0L, 0L, 250L), delaysOver(a, 4), "and counts from the start again");
    }

    @Test
    void fifteenMinutesWithoutAFailureForgetTheAddress() {
        InetAddress a = address(1);
        delaysOver(a, 5);
        clock.advance(Duration.ofMinutes(15).minusMillis(1));
        assertEquals(500, throttle.delayMillis(a), "not yet");
        throttle.failed(a);
        assertEquals(1000, throttle.delayMillis(a), "a failure restarts the fifteen minutes");
        clock.advance(Duration.ofMinutes(15));
        assertEquals(0, throttle.delayMillis(a));
        throttle.failed(a);
        assertEquals(0, throttle.delayMillis(a), "a failure after that is the first again");
        assertEquals(1, throttle.tracked());
    }

    @Test
    void expiredAddressesLeaveTheTable() {
        for (int i = 0; i < 100; i++) {
            throttle.failed(address(i));
        }
        clock.advance(Duration.ofMinutes(15));
        throttle.failed(address(1000));
        assertEquals(1, throttle.tracked());
    }

    @Test
    void tracksAtMostTenThousandAddressesDroppingTheOldest() {
        InetAddress first = address(0);
        InetAddress renewed = address(1);
        delaysOver(first, 4);
        delaysOver(renewed, 4);
        for (int i = 2; i < 10_000; i++) {
            clock.advance(Duration.ofMillis(1));
            throttle.failed(address(i));
        }
        throttle.failed(renewed);
        assertEquals(10_000, throttle.tracked());
        assertEquals(500, throttle.delayMillis(renewed), "failed again lately: kept");
        assertEquals(250, throttle.delayMillis(first), "still there at exactly 10,000");

        throttle.failed(address(10_000));
        assertEquals(10_000, throttle.tracked());
        assertEquals(0, throttle.delayMillis(first), "the least recently failed is dropped");
        assertEquals(500, throttle.delayMillis(renewed));
    }

    @Test
    void countsEveryFailureFromManyThreads() throws Exception {
        InetAddress a = address(0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int base = 1 + 1000 * t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        if (i % 500 == 0) {
                            throttle.failed(a);
                        }
                        throttle.failed(address(base + i));
                        throttle.delayMillis(a);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4001, throttle.tracked(), "no address lost or doubled");
        assertEquals(4000, throttle.delayMillis(a), "eight failures, none lost");
    }
}
