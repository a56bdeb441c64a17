package org.dftp.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;

/**
 * The update decoder against a model (the hostile-input suite, docs/RELIABILITY.md): a valid update written
 * by {@link UpdateWriter} parses back to the same changes however the body is cut into pieces; a mutated,
 * truncated or random body either parses or fails with a {@link BadUpdateException} (never another
 * exception), within a bound of time, and never accepts more entries than its maximum.
 */
class UpdateParserPropertiesTest {
    private static final int MAX_ENTRIES = 8;

    @Provide
    Arbitrary<List<Change>> changes() {
        Arbitrary<DfsPath> path = Arbitraries.of("a", "b", "é", "d.txt", "日本", "x y", "q\"uote", "tab\u00a0nbsp")
                .list().ofMinSize(1).ofMaxSize(3).map(s -> DfsPath.of(String.join("/", s)));
        Arbitrary<Long> time = Arbitraries.longs().between(0, 4_000_000_000L);
        Arbitrary<Long> size = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 2);
        Arbitrary<Integer> perm = Arbitraries.of(0644, 0755, 0600, 0);
        Arbitrary<Change> change = Combinators.combine(path, kind, size, time, time, perm).as((p, k, s, m, i, mode) ->
                switch (k) {
                    case 0 -> Change.offer(p, Offer.of("gb", mode, s, m, i));
                    case 1 -> Change.offer(p, Offer.of("gb", Offer.MODE_DIR | mode, 0, m, i));
                    default -> Change.withdraw(p, "gb");
                });
        return change.list().ofMaxSize(30);
    }

    @Property
    void aWrittenUpdateParsesBackToTheSameChangesInAnyPieces(@ForAll("changes") List<Change> changes,
                                                             @ForAll long seed) throws IOException {
        long updateTime = 1795512651L;
        byte[] body = write(UpdateWriter.incremental(changes, "gb", updateTime));
        UpdateParser.Result r = feedInPieces(new UpdateParser(), body, new Random(seed));
        assertEquals("gb", r.sender());
        assertEquals(updateTime, r.updateTime());
        assertEquals(0, r.skipped(), r.skipReasons().toString());
        assertEquals(changes.size(), r.changes().size());
        for (int i = 0; i < changes.size(); i++) {
            Change e = changes.get(i);
            Change a = r.changes().get(i);
            assertEquals(e.path(), a.path());
            assertEquals("gb", a.owner());
            assertEquals(e.isWithdrawal(), a.isWithdrawal());
            if (!e.isWithdrawal()) {
                assertTrue(e.offer().sameAs(a.offer()), e.offer() + " vs " + a.offer());
            }
        }
    }

    @Property(tries = 200)
    void aFullUpdateOfATreeParsesBackToThatTree(@ForAll("changes") List<Change> changes) throws IOException {
        DfsTree tree = DfsTree.EMPTY.apply(changes.stream().filter(c -> !c.isWithdrawal()).toList());
        byte[] body = write(UpdateWriter.full(tree, "gb", 7));
        UpdateParser.Result r = feedInPieces(new UpdateParser(), body, new Random(body.length));
        assertTrue(r.full());
        assertEquals(tree.changes().size(), r.changes().size());
        DfsTree back = DfsTree.EMPTY.apply(r.changes());
        assertEquals(tree.changes().toString(), back.changes().toString());
    }

    /** Valid bodies with a few bytes changed, dropped, repeated or cut off. */
    @Provide
    Arbitrary<byte[]> mutatedBodies() {
        return Combinators.combine(changes(), Arbitraries.longs(), Arbitraries.integers().between(1, 6))
                .as((changes, seed, n) -> {
                    byte[] body = write(UpdateWriter.incremental(changes, "gb", 5));
                    Random rnd = new Random(seed);
                    for (int k = 0; k < n; k++) {
                        body = mutate(body, rnd);
                    }
                    return body;
                });
    }

    @Property
    void aMutatedBodyParsesOrFailsAsABadUpdate(@ForAll("mutatedBodies") byte[] body, @ForAll long seed) {
        assertParsesOrFailsCleanly(body, seed);
    }

    @Property
    void randomBytesParseOrFailAsABadUpdate(@ForAll @Size(max = 300) byte[] body, @ForAll long seed) {
        assertParsesOrFailsCleanly(body, seed);
    }

    /** Random JSON-ish text: the structure tokens of an update, in any order. */
    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"Files\"", "\"files\"", "\"FullName\"", "\"Dir\"",
                        "\"SizeInBytes\"", "\"FileMode\"", "\"Deletion\"", "\"SenderNodeName\"", "\"Full\"",
                        "\"UpdateTime\"", "\"gb\"", "\"a/b\"", "\"../x\"", "\"\\u0000\"", "\"\\ud800\"", "true",
                        "null", "0", "-1", "1e999", "123456789012345678901234567890", "1.5", "\"", "\\", " ",
                        "{\"Files\":[", "{\"FullName\":\"x\"}", "],\"SenderNodeName\":\"gb\"}"),
                Arbitraries.strings().ofMaxLength(3));
        return token.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Property
    void jsonLikeTextParsesOrFailsAsABadUpdate(@ForAll("jsonish") String text, @ForAll long seed) {
        assertParsesOrFailsCleanly(text.getBytes(StandardCharsets.UTF_8), seed);
    }

    @Property(tries = 100)
    void moreEntriesThanTheMaximumFailTheUpdate(@ForAll @IntRange(min = 0, max = 20) int n, @ForAll boolean bad) {
        StringBuilder b = new StringBuilder("{\"Files\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(bad && i % 2 == 0 ? "17" : "{\"FullName\":\"f" + i + "\"}");
        }
        byte[] body = b.append("],\"SenderNodeName\":\"gb\"}").toString().getBytes(StandardCharsets.UTF_8);
        UpdateParser p = new UpdateParser(MAX_ENTRIES);
        try {
            p.feed(body, 0, body.length);
            UpdateParser.Result r = p.finish();
            assertTrue(n <= MAX_ENTRIES, "accepted " + n + " entries");
            assertEquals(n, r.files() + r.skipped());
        } catch (BadUpdateException e) {
            assertTrue(n > MAX_ENTRIES, e.getMessage());
        }
    }

    private static void assertParsesOrFailsCleanly(byte[] body, long seed) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            UpdateParser p = new UpdateParser(MAX_ENTRIES);
            try {
                UpdateParser.Result r = feedInPieces(p, body, new Random(seed));
                assertTrue(r.files() + r.skipped() <= MAX_ENTRIES, "more entries than the maximum");
                assertTrue(r.sender() != null && !r.sender().isEmpty());
                for (Change c : r.changes()) {
                    assertEquals(r.sender(), c.owner());
                    assertTrue(!c.path().isRoot());
                }
            } catch (BadUpdateException e) {
                assertTrue(e.getMessage() != null && e.getMessage().length() < 400, e.getMessage());
            } catch (Throwable t) {
                fail("not a BadUpdateException: " + t + " for " + new String(body, StandardCharsets.UTF_8), t);
            }
        });
    }

    private static UpdateParser.Result feedInPieces(UpdateParser p, byte[] body, Random rnd) {
        int off = 0;
        while (off < body.length) {
            int n = 1 + rnd.nextInt(Math.max(1, Math.min(body.length - off, 64)));
            p.feed(body, off, Math.min(n, body.length - off));
            off += n;
        }
        return p.finish();
    }

    private static byte[] mutate(byte[] body, Random rnd) {
        if (body.length == 0) {
            return new byte[] {(byte) rnd.nextInt()};
        }
        int at = rnd.nextInt(body.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (rnd.nextInt(6)) {
            case 0 -> { // flip a byte
                byte[] c = body.clone();
                c[at] = (byte) rnd.nextInt(256);
                return c;
            }
            case 1 -> { // cut off
                return java.util.Arrays.copyOf(body, at);
            }
            case 2 -> { // drop a stretch
                int len = Math.min(body.length - at, 1 + rnd.nextInt(20));
                out.write(body, 0, at);
                out.write(body, at + len, body.length - at - len);
            }
            case 3 -> { // repeat a stretch
                int len = Math.min(body.length - at, 1 + rnd.nextInt(40));
                out.write(body, 0, at + len);
                out.write(body, at, body.length - at);
            }
            case 4 -> { // insert a hostile token
                String[] tokens = {"[", "{", "\"", "\\", "\u0000", "\"Files\":", "1e99999", "-", "\"SenderNodeName\":\"x\",",
                    "\"../../etc/passwd\"", "\u00ff", "\ufffd"};
                out.write(body, 0, at);
                out.writeBytes(tokens[rnd.nextInt(tokens.length)].getBytes(StandardCharsets.UTF_8));
                out.write(body, at, body.length - at);
            }
            default -> { // an invalid UTF-8 byte
                out.write(body, 0, at);
                out.write(0xC0 | rnd.nextInt(2));
                out.write(body, at, body.length - at);
            }
        }
        return out.toByteArray();
    }

    private static byte[] write(UpdateWriter w) {
        try (w) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            w.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
