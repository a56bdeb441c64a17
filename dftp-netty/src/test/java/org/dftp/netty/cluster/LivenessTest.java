package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Liveness driven by hand: ticks called directly, a clock set by the test, and fake peers whose pings
 * answer, fail or hang as each test says. Only the store is real, so removal is seen as it really happens.
 */
class LivenessTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final int FAILURES = 3;

    /** How a fake peer answers pings and greetings. */
    enum Answer { ANSWER, REFUSE, HANG, LATER }

    private final DfsStore store = new DfsStore(ClusterState.initial("dftp", NodeInfo.of("me", ":7040", ":7041")));
    private final NodeMetrics metrics = new NodeMetrics();
    private final MutableClock clock = new MutableClock();
    private final FakePeers peers = new FakePeers();
    private final Liveness liveness = new Liveness(store, peers, metrics, clock, INTERVAL, FAILURES, Runnable::run);

    @AfterEach
    void stop() {
        liveness.close();
        store.close();
    }

    private static final class MutableClock extends Clock {
        long millis = 1_800_000_000_000L;

        void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static final class FakePeers implements Liveness.Peers {
        /** How each address answers; addresses not listed answer as the node registered there. */
        final Map<HostPort, Answer> behaviour = new HashMap<>();
        final Map<HostPort, String> names = new HashMap<>();
        final List<HostPort> pings = new ArrayList<>();
        final List<HostPort> greetings = new ArrayList<>();
        final List<String> answered = new ArrayList<>();
        /** The pings answered {@code LATER}, for the test to answer. */
        final List<Sinks.One<NodeInfo>> later = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        final List<NodeInfo> returned = new ArrayList<>();
        int cancelled;

        private Mono<NodeInfo> reply(HostPort addr) {
            return switch (behaviour.getOrDefault(addr, Answer.ANSWER)) {
                case ANSWER -> Mono.just(NodeInfo.of(names.get(addr), "", addr.toString()));
                case REFUSE -> Mono.error(new PeerException("Error communicating with " + addr + ": refused", 0));
                case HANG -> Sinks.<NodeInfo>one().asMono().doOnCancel(() -> cancelled++);
                case LATER -> {
                    Sinks.One<NodeInfo> sink = Sinks.one();
                    later.add(sink);
                    yield sink.asMono();
                }
            };
        }

        @Override
        public Mono<NodeInfo> ping(HostPort addr) {
            pings.add(addr);
            return reply(addr);
        }

        @Override
        public Mono<NodeInfo> greet(HostPort addr) {
            greetings.add(addr);
            return reply(addr);
        }

        @Override
        public void answered(String peer) {
            answered.add(peer);
        }

        @Override
        public void removed(String peer) {
            removed.add(peer);
        }

        @Override
        public void returned(NodeInfo info) {
            returned.add(info);
        }
    }

    /** {@code name} becomes a peer at 127.0.0.1:{@code port} offering {@code files}. */
    private HostPort meet(String name, int port, String... files) {
        HostPort addr = HostPort.parse("127.0.0.1:" + port);
        peers.names.put(addr, name);
        store.publish(new Event.PeerSeen(NodeInfo.of(name, "127.0.0.1:" + (port - 1), addr.toString()), 1)).join();
        List<Change> changes = new ArrayList<>();
        for (String f : files) {
            changes.add(Change.offer(DfsPath.of(f), Offer.of(name, 0644, 1, 1, 1)));
        }
        store.publish(new Event.UpdateReceived(name, true, 1, changes)).join();
        return addr;
    }

    /** One interval passes and liveness ticks; returns once whatever the tick published is in the store. */
    private void tick() {
        clock.advance(INTERVAL);
        liveness.tick();
        store.publish(new Event.SelfAddresses(":7040", ":7041")).join(); // a barrier: the store applies in order
    }

    @Test
    void aPeerThatAnswersIsPingedEveryTickAndKept() {
        HostPort gb = meet("gb", 7051, "b.txt");
        for (int i = 0; i < 10; i++) {
            tick();
        }
        assertEquals(10, peers.pings.size());
        assertTrue(peers.pings.stream().allMatch(gb::equals));
        assertEquals(10, peers.answered.size());
        assertNotNull(store.snapshot().peer("gb"));
        assertEquals(0, metrics.peersRemoved.sum());
    }

    @Test
    void aPeerThatMissesThePingFailuresInARowIsRemovedWithItsOffersAndOthersTakeOver() {
        HostPort gb = meet("gb", 7051, "b.txt", "shared.txt");
        meet("gc", 7061, "shared.txt");
        peers.behaviour.put(gb, Answer.REFUSE);
        tick();
        tick();
        assertNotNull(store.snapshot().peer("gb"), "two misses are not three");
        tick();
        ClusterState s = store.snapshot();
        assertNull(s.peer("gb"));
        assertNull(s.tree().lookup(DfsPath.of("b.txt")));
        assertEquals("gc", s.tree().lookup(DfsPath.of("shared.txt")).owner());
        assertNotNull(s.peer("gc"));
        assertEquals(1, metrics.peersRemoved.sum());
        assertEquals(List.of("gb"), peers.removed);
        assertTrue(liveness.isDeparted("gb"));
    }

    @Test
    void anAnswerResetsTheCount() {
        HostPort gb = meet("gb", 7051);
        for (int round = 0; round < 3; round++) {
            peers.behaviour.put(gb, Answer.REFUSE);
            tick();
            tick();
            peers.behaviour.put(gb, Answer.ANSWER);
            tick();
        }
        assertNotNull(store.snapshot().peer("gb"), "never three misses in a row");
        assertEquals(0, metrics.peersRemoved.sum());
    }

    @Test
    void eachTickThatFindsThePingUnansweredIsAMissAndNoSecondPingIsSent() {
        HostPort gb = meet("gb", 7051, "b.txt");
        peers.behaviour.put(gb, Answer.HANG);
        tick(); // sent
        tick(); // first interval missed
        tick(); // second
        assertNotNull(store.snapshot().peer("gb"));
        assertEquals(1, peers.pings.size(), "one ping in flight at a time");
        assertEquals(0, peers.cancelled);
        tick(); // third: removed, and the ping given up
        assertNull(store.snapshot().peer("gb"));
        assertEquals(1, peers.cancelled, "no ping is left hanging");
        assertEquals(1, peers.pings.size());
    }

    @Test
    void aLateAnswerWithinTheFailuresStillCounts() {
        HostPort gb = meet("gb", 7051);
        peers.behaviour.put(gb, Answer.LATER);
        tick(); // sent
        tick(); // one interval without an answer
        tick(); // two
        peers.later.get(0).tryEmitValue(NodeInfo.of("gb", "", gb.toString())); // a slow JVM answers at last
        assertEquals(List.of("gb"), peers.answered);
        tick(); // a new ping, the count back at zero
        tick();
        tick();
        assertNotNull(store.snapshot().peer("gb"));
        assertEquals(2, peers.pings.size());
    }

    @Test
    void anySignOfLifeResetsTheCount() {
        HostPort gb = meet("gb", 7051, "b.txt");
        peers.behaviour.put(gb, Answer.REFUSE); // we cannot reach it...
        tick();
        tick();
        // ...but it greets us (or pushes an update): the store moves its LastAlive.
        store.publish(new Event.PeerSeen(NodeInfo.of("gb", "127.0.0.1:7050", gb.toString()), 5)).join();
        tick();
        tick();
        assertNotNull(store.snapshot().peer("gb"), "two misses since it was last heard of");
        tick();
        assertNull(store.snapshot().peer("gb"));
    }

    @Test
    void aPeerAnsweringUnderAnotherNameHasMissedThePing() {
        HostPort gb = meet("gb", 7051);
        peers.names.put(gb, "impostor");
        tick();
        tick();
        tick();
        assertNull(store.snapshot().peer("gb"));
        assertTrue(peers.answered.isEmpty());
    }

    @Test
    void aRemovedPeerIsGreetedAgainAtDoublingIntervalsAndTakenBackWhenItAnswers() {
        HostPort gb = meet("gb", 7051, "b.txt");
        peers.behaviour.put(gb, Answer.REFUSE);
        for (int i = 0; i < FAILURES; i++) {
            tick();
        }
        assertNull(store.snapshot().peer("gb"));
        // Greetings after 1, then 2, 4 intervals (ticks 1, 3, 7 after the removal).
        List<Integer> greetedAt = new ArrayList<>();
        for (int t = 1; t <= 8; t++) {
            int before = peers.greetings.size();
            tick();
            if (peers.greetings.size() > before) {
                greetedAt.add(t);
            }
        }
        assertEquals(List.of(1, 3, 7), greetedAt);
        assertTrue(peers.greetings.stream().allMatch(gb::equals));
        assertEquals(FAILURES, peers.pings.size(), "a removed peer is greeted, not pinged");

        // It answers; the greeting flow (faked here by the store) takes it in again.
        peers.behaviour.put(gb, Answer.ANSWER);
        store.publish(new Event.PeerSeen(NodeInfo.of("gb", "127.0.0.1:7050", gb.toString()), 2)).join();
        tick();
        assertEquals(1, metrics.peersReturned.sum());
        assertFalse(liveness.isDeparted("gb"));
        assertEquals(1, peers.returned.size());
        assertEquals("gb", peers.returned.get(0).name());
        assertEquals(0, peers.returned.get(0).lastFullUpdateReceived(), "the membership is told what it lacks");
        int pings = peers.pings.size();
        tick();
        assertEquals(pings + 1, peers.pings.size(), "it is pinged again like any peer");
    }

    @Test
    void retriesOfARemovedPeerBackOffToAMinuteAtMost() {
        Liveness fast = new Liveness(store, peers, metrics, clock, Duration.ofSeconds(1), 1, Runnable::run);
        HostPort gb = meet("gb", 7051);
        peers.behaviour.put(gb, Answer.REFUSE);
        clock.advance(Duration.ofSeconds(1));
        fast.tick();
        store.publish(new Event.SelfAddresses(":7040", ":7041")).join();
        assertNull(store.snapshot().peer("gb"));
        long last = clock.millis();
        List<Long> gaps = new ArrayList<>();
        for (int s = 0; s < 600; s++) {
            clock.advance(Duration.ofSeconds(1));
            int before = peers.greetings.size();
            fast.tick();
            if (peers.greetings.size() > before) {
                gaps.add((clock.millis() - last) / 1000);
                last = clock.millis();
            }
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L), gaps.subList(0, 8));
        fast.close();
    }

    @Test
    void aRemovedPeerIsForgottenAfterADay() {
        HostPort gb = meet("gb", 7051);
        peers.behaviour.put(gb, Answer.REFUSE);
        for (int i = 0; i < FAILURES; i++) {
            tick();
        }
        assertTrue(liveness.isDeparted("gb"));
        clock.advance(Liveness.FORGET_AFTER);
        tick();
        assertFalse(liveness.isDeparted("gb"));
        int greetings = peers.greetings.size();
        tick();
        tick();
        assertEquals(greetings, peers.greetings.size());
    }

    @Test
    void aRemovedPeerThatNeverSentAnUpdateIsNotGreetedAgain() {
        // A forged greeting makes a peer that never pushes anything; greeted again for a day, 2,000 of them
        // made 2,288 connections in 20 s.
        HostPort forged = HostPort.parse("127.0.0.1:7061");
        peers.names.put(forged, "forged");
        store.publish(new Event.PeerSeen(NodeInfo.of("forged", "127.0.0.1:7060", forged.toString()), 1)).join();
        peers.behaviour.put(forged, Answer.REFUSE);
        for (int i = 0; i < FAILURES; i++) {
            tick();
        }
        assertNull(store.snapshot().peer("forged"));
        assertFalse(liveness.isDeparted("forged"));
        for (int i = 0; i < 5; i++) {
            tick();
        }
        assertEquals(List.of(), peers.greetings);
    }

    @Test
    void atMostMaxPeersRemovedPeersAreGreetedAgainTheLongestGoneForgottenFirst() {
        Liveness bounded = new Liveness(store, peers, metrics, clock, INTERVAL, FAILURES, 2, Runnable::run);
        try {
            for (int n = 0; n < 3; n++) {
                HostPort addr = meet("g" + n, 7071 + 2 * n);
                peers.behaviour.put(addr, Answer.REFUSE);
                for (int i = 0; i < FAILURES; i++) {
                    clock.advance(INTERVAL);
                    bounded.tick();
                    store.publish(new Event.SelfAddresses(":7040", ":7041")).join();
                }
                assertTrue(bounded.isDeparted("g" + n));
            }
            assertFalse(bounded.isDeparted("g0"), "the first removed is forgotten");
            assertTrue(bounded.isDeparted("g1"));
            assertTrue(bounded.isDeparted("g2"));
        } finally {
            bounded.close();
        }
    }

    @Test
    void anAddressThatNowAnswersAsAnotherNodeIsNoLongerGreeted() {
        HostPort gb = meet("gb", 7051);
        peers.behaviour.put(gb, Answer.REFUSE);
        for (int i = 0; i < FAILURES; i++) {
            tick();
        }
        peers.behaviour.put(gb, Answer.ANSWER);
        peers.names.put(gb, "newcomer");
        tick();
        assertEquals(1, peers.greetings.size());
        assertFalse(liveness.isDeparted("gb"));
        assertEquals(0, metrics.peersReturned.sum());
    }
}
