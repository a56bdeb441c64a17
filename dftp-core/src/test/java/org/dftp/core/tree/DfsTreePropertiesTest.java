package org.dftp.core.tree;

import static org.dftp.core.testing.TreeFixtures.dump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.dftp.core.DfsPath;
import org.dftp.core.testing.TreeFixtures;

/**
 * Properties of the tree (docs/ARCHITECTURE.md, the state: any order of the same updates gives the same tree; prune and
 * fallback keep the invariants). Paths come from a tiny alphabet so that updates collide: several
 * owners on one path, files below files, {@code a} next to {@code a.b}.
 */
class DfsTreePropertiesTest {
    private static final int TRIES = 300;

    @Provide
    Arbitrary<List<Change>> changes() {
        Arbitrary<String> owner = Arbitraries.of("ga", "gb", "gc");
        Arbitrary<DfsPath> path = Arbitraries.of("a", "b", "a.b", "B").list().ofMinSize(1).ofMaxSize(3)
                .map(segments -> DfsPath.of(String.join("/", segments)));
        Arbitrary<Integer> kind = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(5, 0), net.jqwik.api.Tuple.of(2, 1), net.jqwik.api.Tuple.of(3, 2));
        Arbitrary<Long> size = Arbitraries.longs().between(0, 3);
        Arbitrary<Long> time = Arbitraries.of(100L, 200L, 300L);
        Arbitrary<Change> change = Combinators.combine(owner, path, kind, size, time).as((o, p, k, s, t) -> switch (k) {
            case 0 -> Change.offer(p, Offer.of(o, TreeFixtures.FILE_MODE, s, 1000 + s, t));
            case 1 -> Change.offer(p, Offer.of(o, TreeFixtures.DIR_MODE, 0, 1000, t));
            default -> Change.withdraw(p, o);
        });
        return change.list().ofMaxSize(40);
    }

    /**
     * Batches big enough that the merge groups a directory's changes by hashing rather than by a
     * comparison sort (above 64 changes at one level), over a wider alphabet.
     */
    @Provide
    Arbitrary<List<Change>> bigBatches() {
        Arbitrary<String> owner = Arbitraries.of("ga", "gb", "gc");
        Arbitrary<String> segment = Arbitraries.strings().withChars("ab.ü").ofMinLength(1).ofMaxLength(3)
                .filter(x -> !x.equals(".") && !x.equals(".."));
        Arbitrary<DfsPath> path = segment.list().ofMinSize(1).ofMaxSize(3)
                .map(segments -> DfsPath.of(String.join("/", segments)));
        Arbitrary<Integer> kind = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(6, 0), net.jqwik.api.Tuple.of(1, 1), net.jqwik.api.Tuple.of(3, 2));
        Arbitrary<Long> time = Arbitraries.of(100L, 200L);
        Arbitrary<Change> change = Combinators.combine(owner, path, kind, time).as((o, p, k, t) -> switch (k) {
            case 0 -> Change.offer(p, Offer.of(o, TreeFixtures.FILE_MODE, p.depth(), 1000, t));
            case 1 -> Change.offer(p, Offer.of(o, TreeFixtures.DIR_MODE, 0, 1000, t));
            default -> Change.withdraw(p, o);
        });
        return change.list().ofMinSize(65).ofMaxSize(400);
    }

    @Property(tries = 100)
    void bigShuffledBatchesMatchThePlainMapToo(@ForAll("bigBatches") List<Change> first,
                                               @ForAll("bigBatches") List<Change> second, @ForAll Random random) {
        Model m = new Model();
        first.forEach(m::apply);
        second.forEach(m::apply);
        DfsTree t = DfsTree.EMPTY.apply(first).apply(second);
        assertEquals(m.dump(), dump(t));
        assertInvariants(t);
        // The same offers in path order (a sorted scan) take the merge's no-reordering path.
        List<Change> sorted = new ArrayList<>(second);
        sorted.sort(java.util.Comparator.comparing(Change::path)); // stable: last change per path still last
        assertEquals(m.dump(), dump(DfsTree.EMPTY.apply(first).apply(sorted)));
        Map<String, Change> lastPerKey = new LinkedHashMap<>();
        second.forEach(c -> lastPerKey.put(c.path() + " " + c.owner(), c));
        List<Change> shuffled = new ArrayList<>(lastPerKey.values());
        Collections.shuffle(shuffled, random);
        DfsTree base = DfsTree.EMPTY.apply(first);
        List<Change> distinct = new ArrayList<>(shuffled);
        distinct.sort(java.util.Comparator.comparing(c -> c.path() + " " + c.owner()));
        assertEquals(dump(base.apply(distinct)), dump(base.apply(shuffled)));
        assertEquals(dump(base.withoutOwner("gb").apply(filterOwner(shuffled, "gb"))),
                dump(base.replaceOwner("gb", filterOwner(shuffled, "gb"))));
    }

    private static List<Change> filterOwner(List<Change> changes, String owner) {
        return filter(changes, owner);
    }

    @Property(tries = TRIES)
    void anyPermutationOfUpdatesWithDistinctPathsAndOwnersGivesTheSameTree(
            @ForAll("changes") List<Change> base, @ForAll("changes") List<Change> updates, @ForAll Random random) {
        // With at most one change per (path, owner), no change depends on another: every order and
        // every split into batches must agree.
        Map<String, Change> byKey = new LinkedHashMap<>();
        for (Change c : updates) {
            byKey.put(c.path() + " " + c.owner(), c);
        }
        List<Change> distinct = new ArrayList<>(byKey.values());
        DfsTree start = DfsTree.EMPTY.apply(base);
        DfsTree inOrder = start.apply(distinct);

        List<Change> shuffled = new ArrayList<>(distinct);
        Collections.shuffle(shuffled, random);
        assertEquals(dump(inOrder), dump(applyInRandomBatches(start, shuffled, random)));
        assertInvariants(inOrder);
    }

    @Property(tries = TRIES)
    void anyInterleavingOfSeveralOwnersUpdateStreamsGivesTheSameTree(
            @ForAll("changes") List<Change> updates, @ForAll Random random) {
        // Each owner's own updates keep their order (a withdrawal after its offer); how the streams
        // of different owners interleave, and how they are cut into batches, must not matter.
        Map<String, List<Change>> streams = new TreeMap<>();
        for (Change c : updates) {
            streams.computeIfAbsent(c.owner(), o -> new ArrayList<>()).add(c);
        }
        List<Change> interleaved = new ArrayList<>();
        List<List<Change>> pending = new ArrayList<>();
        streams.values().forEach(s -> pending.add(new ArrayList<>(s)));
        while (!pending.isEmpty()) {
            int i = random.nextInt(pending.size());
            interleaved.add(pending.get(i).remove(0));
            if (pending.get(i).isEmpty()) {
                pending.remove(i);
            }
        }
        DfsTree expected = DfsTree.EMPTY.apply(updates);
        assertEquals(dump(expected), dump(applyInRandomBatches(DfsTree.EMPTY, interleaved, random)));
    }

    @Property(tries = TRIES)
    void aBatchEqualsItsChangesAppliedOneByOne(@ForAll("changes") List<Change> base,
                                               @ForAll("changes") List<Change> batch) {
        DfsTree start = DfsTree.EMPTY.apply(base);
        DfsTree oneByOne = start;
        for (Change c : batch) {
            oneByOne = oneByOne.apply(List.of(c));
        }
        assertEquals(dump(oneByOne), dump(start.apply(batch)));
    }

    @Property(tries = TRIES)
    void theTreeMatchesAPlainMapOfOffers(@ForAll("changes") List<Change> first,
                                         @ForAll("changes") List<Change> second) {
        DfsTree t = DfsTree.EMPTY.apply(first).apply(second);
        Model m = new Model();
        first.forEach(m::apply);
        second.forEach(m::apply);
        assertEquals(m.dump(), dump(t));
        assertInvariants(t);
    }

    @Property(tries = TRIES)
    void replaceOwnerEqualsWithoutOwnerThenApply(@ForAll("changes") List<Change> base,
                                                 @ForAll("changes") List<Change> update) {
        String owner = "gb";
        List<Change> full = asOwners(update, owner, true);
        DfsTree start = DfsTree.EMPTY.apply(base);
        DfsTree replaced = start.replaceOwner(owner, full);
        assertEquals(dump(start.withoutOwner(owner).apply(full)), dump(replaced));
        assertInvariants(replaced);
    }

    /** A full update as a tree (a scan, or a peer's update in path order) merges as its changes would. */
    @Property(tries = TRIES)
    void replaceOwnerWithATreeEqualsReplaceOwnerWithItsChanges(@ForAll("changes") List<Change> base,
                                                               @ForAll("changes") List<Change> update) {
        String owner = "gb";
        DfsTree own = DfsTree.EMPTY.apply(asOwners(update, owner, false)); // gb's offers alone, as a tree
        DfsTree start = DfsTree.EMPTY.apply(base);
        DfsTree viaTree = start.replaceOwner(owner, own);
        assertEquals(dump(start.replaceOwner(owner, own.changes())), dump(viaTree));
        assertInvariants(viaTree);
        assertTrue(viaTree.replaceOwner(owner, own) == viaTree, "the same full update again changes nothing");
    }

    /** The builder makes, from a tree's changes in path order, that very tree; out of order it says so. */
    @Property(tries = TRIES)
    void theBuilderRebuildsATreeFromItsChangesInPathOrder(@ForAll("bigBatches") List<Change> batch,
                                                          @ForAll Random random) {
        DfsTree tree = DfsTree.EMPTY.apply(asOwners(batch, "ga", false));
        List<Change> inOrder = tree.changes();
        DfsTree.Builder b = new DfsTree.Builder();
        for (Change c : inOrder) {
            assertTrue(b.add(c.path(), c.offer()), c.path() + " is in path order");
        }
        DfsTree built = b.build();
        assertEquals(dump(tree), dump(built));
        assertInvariants(built);

        if (inOrder.size() > 1) {
            List<Change> shuffled = new ArrayList<>(inOrder);
            int i = random.nextInt(shuffled.size() - 1);
            Collections.swap(shuffled, i, i + 1 + random.nextInt(shuffled.size() - i - 1));
            DfsTree.Builder c = new DfsTree.Builder();
            boolean all = true;
            for (Change ch : shuffled) {
                all &= c.add(ch.path(), ch.offer());
            }
            // Two entries swapped: out of order, unless the swap left a valid order (it cannot: the order
            // is strict and total), so the builder must have refused.
            assertTrue(!all, "a swapped pair is noticed");
        }
    }

    @Property(tries = TRIES)
    void withoutOwnerLeavesExactlyTheOtherOwnersOffers(@ForAll("changes") List<Change> base) {
        DfsTree pruned = DfsTree.EMPTY.apply(base).withoutOwner("ga");
        Model m = new Model();
        base.forEach(m::apply);
        m.removeOwner("ga");
        assertEquals(m.dump(), dump(pruned));
        assertInvariants(pruned);
    }

    @Property(tries = TRIES)
    void reapplyingWhatIsThereReturnsTheSameInstance(@ForAll("changes") List<Change> base) {
        DfsTree t = DfsTree.EMPTY.apply(base);
        List<Change> again = new ArrayList<>();
        TreeWalker w = t.walk(DfsPath.ROOT);
        while (w.advance()) {
            for (Offer o = w.node().offer(); o != null; o = o.next()) {
                again.add(Change.offer(DfsPath.of(w.path().toString()), Offer.of(o.owner(), o.mode(), o.size(),
                        o.lastModified(), o.infoUpdated())));
            }
        }
        assertTrue(t == t.apply(again), "no-op must return this");
        assertTrue(t == t.replaceOwner("ga", filter(again, "ga")), "a full update that changes nothing");
    }

    /** The changes made {@code owner}'s, withdrawals kept or dropped. */
    private static List<Change> asOwners(List<Change> changes, String owner, boolean withdrawals) {
        List<Change> out = new ArrayList<>();
        for (Change c : changes) {
            if (!c.isWithdrawal()) {
                out.add(Change.offer(c.path(), Offer.of(owner, c.offer().mode(), c.offer().size(),
                        c.offer().lastModified(), c.offer().infoUpdated())));
            } else if (withdrawals) {
                out.add(Change.withdraw(c.path(), owner));
            }
        }
        return out;
    }

    private static List<Change> filter(List<Change> changes, String owner) {
        List<Change> out = new ArrayList<>();
        for (Change c : changes) {
            if (c.owner().equals(owner)) {
                out.add(c);
            }
        }
        return out;
    }

    private static DfsTree applyInRandomBatches(DfsTree t, List<Change> changes, Random random) {
        int i = 0;
        while (i < changes.size()) {
            int n = 1 + random.nextInt(changes.size() - i);
            t = t.apply(changes.subList(i, i + n));
            i += n;
        }
        return t;
    }

    /** Checks every structural promise of the tree, node by node. */
    static void assertInvariants(DfsTree t) {
        int[] count = {0};
        checkDir((DirNode) t.root(), true, count);
        assertEquals(count[0], t.size(), "size() counts every entry");
        int walked = 0;
        TreeWalker w = t.walk(DfsPath.ROOT);
        while (w.advance()) {
            walked++;
            assertEquals(w.node(), t.lookup(DfsPath.of(w.path().toString())), "walker path leads to its node");
        }
        assertEquals(t.size(), walked, "size() equals the walker's count");
    }

    private static String checkDir(DirNode d, boolean root, int[] count) {
        String summary = null;
        Map<String, Boolean> owners = new TreeMap<>();
        for (Offer o = d.offers; o != null; o = o.next()) {
            owners.put(o.owner(), true);
        }
        if (!root) {
            assertTrue(d.children.length > 0 || hasDirOffer(d.offers), "no empty implicit directory: " + d.name);
        }
        checkOffers(d.offers);
        int entries = 0;
        for (int i = 0; i < d.children.length; i++) {
            DfsNode c = d.children[i];
            count[0]++;
            entries++;
            if (i > 0) {
                assertTrue(d.children[i - 1].name.compareTo(c.name) < 0, "children sorted and unique");
            }
            assertTrue(!c.name.isEmpty() && c.name.indexOf('/') < 0);
            if (c instanceof DirNode cd) {
                String sub = checkDir(cd, false, count);
                if (sub != null) {
                    for (String o : sub.split(",")) {
                        owners.put(o, true);
                    }
                }
                entries += cd.entryCount();
            } else {
                assertNotNull(c.offers, "a file has an offer");
                assertTrue(!hasDirOffer(c.offers), "a file has no directory offer");
                checkOffers(c.offers);
                assertEquals(c.offers.owner(), c.owner(), "a file is served by its winning offer");
                for (Offer o = c.offers; o != null; o = o.next()) {
                    owners.put(o.owner(), true);
                }
            }
        }
        assertEquals(entries, d.entryCount(), "entry count of " + d.name);
        String expectedOwner = owners.isEmpty() ? null
                : owners.size() == 1 ? owners.keySet().iterator().next() : DfsNode.MULTIPLE_OWNERS;
        assertEquals(expectedOwner, d.owner(), "owner summary of " + d.name);
        summary = owners.isEmpty() ? null : String.join(",", owners.keySet());
        return summary;
    }

    private static boolean hasDirOffer(Offer offers) {
        for (Offer o = offers; o != null; o = o.next()) {
            if (o.isDirectory()) {
                return true;
            }
        }
        return false;
    }

    private static void checkOffers(Offer offers) {
        Map<String, Boolean> seen = new TreeMap<>();
        for (Offer o = offers; o != null; o = o.next()) {
            assertTrue(seen.put(o.owner(), true) == null, "one offer per owner");
            if (o.next() != null) {
                assertTrue(o.precedes(o.next()), "offers in precedence order");
            }
        }
    }

    /** The obvious implementation: a map from path to each owner's offer, with directories derived. */
    static final class Model {
        final TreeMap<DfsPath, TreeMap<String, Offer>> offers = new TreeMap<>();

        void apply(Change c) {
            if (c.isWithdrawal()) {
                TreeMap<String, Offer> at = offers.get(c.path());
                if (at != null) {
                    at.remove(c.owner());
                    if (at.isEmpty()) {
                        offers.remove(c.path());
                    }
                }
            } else {
                offers.computeIfAbsent(c.path(), p -> new TreeMap<>()).put(c.owner(), c.offer());
            }
        }

        void removeOwner(String owner) {
            offers.values().forEach(m -> m.remove(owner));
            offers.values().removeIf(Map::isEmpty);
        }

        String dump() {
            TreeMap<DfsPath, Boolean> entries = new TreeMap<>(); // path -> has something below
            for (DfsPath p : offers.keySet()) {
                entries.putIfAbsent(p, false);
                for (DfsPath a = p.parent(); !a.isRoot(); a = a.parent()) {
                    entries.put(a, true);
                }
            }
            StringBuilder out = new StringBuilder();
            for (Map.Entry<DfsPath, Boolean> e : entries.entrySet()) {
                DfsPath p = e.getKey();
                List<Offer> list = new ArrayList<>(offers.getOrDefault(p, new TreeMap<>()).values());
                list.sort((x, y) -> x.precedes(y) ? -1 : y.precedes(x) ? 1 : 0);
                boolean dir = e.getValue() || list.stream().anyMatch(Offer::isDirectory);
                String owner;
                if (dir) {
                    TreeMap<String, Boolean> owners = new TreeMap<>();
                    offers.forEach((q, m) -> {
                        if (q.startsWith(p)) {
                            m.keySet().forEach(o -> owners.put(o, true));
                        }
                    });
                    owner = owners.size() == 1 ? owners.firstKey() : DfsNode.MULTIPLE_OWNERS;
                } else {
                    owner = list.get(0).owner();
                }
                out.append(p).append(dir ? "/" : "").append(' ').append(owner);
                for (Offer o : list) {
                    out.append(" [").append(o.owner()).append(' ').append(Integer.toOctalString(o.mode()))
                            .append(' ').append(o.size()).append(" m=").append(o.lastModified())
                            .append(" @").append(o.infoUpdated()).append(']');
                }
                out.append('\n');
            }
            return out.toString();
        }
    }
}
