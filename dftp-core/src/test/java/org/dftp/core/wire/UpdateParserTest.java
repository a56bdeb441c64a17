package org.dftp.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.PeerAnnouncements;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpdateParserTest {
    private static final long T = 1795512651L;
    private static final long MTIME = 1795512638L;

    private static UpdateParser.Result parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static UpdateParser.Result parse(byte[] body) {
        UpdateParser p = new UpdateParser();
        p.feed(body, 0, body.length);
        return p.finish();
    }

    private static String update(String files) {
        return "{\"Files\":[" + files + "],\"UpdateTime\":5,\"Full\":false,\"SenderNodeName\":\"gb\"}";
    }

    private static String file(String fullName) {
        return "{\"FullName\":\"" + fullName + "\",\"Basename\":\"x\",\"Dir\":false,\"LastModified\":1,"
                + "\"LastInfoUpdated\":2,\"SizeInBytes\":3,\"FileMode\":420,\"OwnerNode\":\"gb\",\"Deletion\":false}";
    }

    /** What full-update-request.txt says, as changes of gb. */
    static List<Change> captureChanges() {
        return List.of(
                Change.offer(DfsPath.of("bigb1g.bin"), Offer.of("gb", 0644, 1073741824L, MTIME, T)),
                Change.offer(DfsPath.of("somedir"), Offer.of("gb", Offer.MODE_DIR | 0755, 0, MTIME, T)),
                Change.offer(DfsPath.of("somedir/c.jpg"), Offer.of("gb", 0644, 2, MTIME, T)));
    }

    private static void assertSameChanges(List<Change> expected, List<Change> actual) {
        assertEquals(expected.size(), actual.size(), "number of changes");
        for (int i = 0; i < expected.size(); i++) {
            Change e = expected.get(i);
            Change a = actual.get(i);
            assertEquals(e.path(), a.path());
            assertEquals(e.owner(), a.owner());
            assertEquals(e.isWithdrawal(), a.isWithdrawal(), "withdrawal of " + e.path());
            if (!e.isWithdrawal()) {
                assertTrue(e.offer().sameAs(a.offer()), e.offer() + " vs " + a.offer());
            }
        }
    }

    @Test
    void parsesTheGoCapture() {
        UpdateParser.Result r = parse(GoCaptures.fullUpdateBody());
        assertEquals("gb", r.sender());
        assertTrue(r.full());
        assertEquals(T, r.updateTime());
        assertEquals(0, r.skipped());
        assertSameChanges(captureChanges(), r.changes());
        assertEquals(Integer.toUnsignedLong(r.changes().get(1).offer().mode()), 2147484141L);
    }

    @Test
    void theCaptureSplitAtEveryByteParsesTheSame() {
        byte[] body = GoCaptures.fullUpdateBody();
        for (int cut = 0; cut <= body.length; cut++) {
            UpdateParser p = new UpdateParser();
            p.feed(body, 0, cut);
            p.feed(body, cut, body.length - cut);
            UpdateParser.Result r = p.finish();
            assertEquals("gb", r.sender(), "cut at " + cut);
            assertSameChanges(captureChanges(), r.changes());
        }
    }

    @Test
    void theCaptureFedByteByByteFromDirectBuffersParsesTheSame() {
        byte[] body = GoCaptures.fullUpdateBody();
        UpdateParser p = new UpdateParser();
        for (byte b : body) {
            ByteBuffer direct = ByteBuffer.allocateDirect(1);
            direct.put(b).flip();
            p.feed(direct);
            assertFalse(direct.hasRemaining());
        }
        assertSameChanges(captureChanges(), p.finish().changes());
    }

    @Test
    void entriesBeforeAndAfterTheSenderAreAllOwnedByTheSender() {
        String json = "{\"Files\":[" + file("a") + "],\"SenderNodeName\":\"gb\",\"Files\":[" + file("b") + "]}";
        // a second Files replaces the first, as Go's decoder does with a slice
        UpdateParser.Result r = parse(json);
        assertEquals(1, r.changes().size());
        assertEquals(DfsPath.of("b"), r.changes().get(0).path());
        assertEquals("gb", r.changes().get(0).owner());
    }

    @Test
    void siblingsSharingAParentAreValidatedLikeAnyPath() {
        String deep = "p/" + "q".repeat(250) + "/" + "r".repeat(250) + "/" + "s".repeat(250);
        List<String> names = List.of("d/a", "d/..", "d/b", "d/.", "d//c", "d/c/", "d/" + "n".repeat(256), "d/ok",
                "d/x\\\\y", "e/f/g", "e/f/h", "e/f/", "e//f/i", deep + "/a", deep + "/" + "t".repeat(255),
                deep + "/" + "u".repeat(200) + "/v", "d/é", "d/ok2");
        StringBuilder files = new StringBuilder();
        List<Change> expected = new java.util.ArrayList<>();
        int refused = 0;
        for (String n : names) {
            if (files.length() > 0) {
                files.append(',');
            }
            files.append(file(n));
            String decoded = n.replace("\\\\", "\\"); // the JSON escape of a backslash
            try {
                expected.add(Announcements.toChange(new FileAnnouncement(decoded, null, false, 1, 2, 3, 420, null, false), "gb"));
            } catch (org.dftp.core.BadPathException e) {
                refused++;
            }
        }
        UpdateParser.Result r = parse(update(files.toString()));
        assertEquals(refused, r.skipped());
        assertSameChanges(expected, r.changes());
    }

    @Test
    void ownerNodeIsNotTrusted() {
        String entry = file("a").replace("\"OwnerNode\":\"gb\"", "\"OwnerNode\":\"somebody-else\"");
        UpdateParser.Result r = parse(update(entry));
        assertEquals("gb", r.changes().get(0).owner());
    }

    @Test
    void deletionWithdrawsAndDirSetsTheDirectoryBit() {
        String del = file("gone").replace("\"Deletion\":false", "\"Deletion\":true");
        String dir = file("d").replace("\"Dir\":false", "\"Dir\":true").replace("\"FileMode\":420", "\"FileMode\":493");
        UpdateParser.Result r = parse(update(del + "," + dir));
        assertTrue(r.changes().get(0).isWithdrawal());
        assertTrue(r.changes().get(1).offer().isDirectory());
        assertEquals(0, r.changes().get(1).offer().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "a/../../b", "./a", "", "a\\\\b", "a\\u0000b"})
    void badPathsAreSkippedAndCountedAndTheRestApplies(String bad) {
        UpdateParser.Result r = parse(update(file("ok1") + "," + file(bad) + "," + file("ok2")));
        assertEquals(1, r.skipped());
        assertEquals(2, r.changes().size());
        assertEquals(1, r.skipReasons().size());
    }

    @Test
    void fieldsOfTheWrongTypeSkipTheEntryOnly() {
        String wrong = file("w1").replace("\"SizeInBytes\":3", "\"SizeInBytes\":\"3\"");
        String nested = file("w2").replace("\"Dir\":false", "\"Dir\":{\"deep\":[1,2,{}]}");
        String fraction = file("w3").replace("\"LastModified\":1", "\"LastModified\":1.5");
        String huge = file("w4").replace("\"FileMode\":420", "\"FileMode\":4294967296");
        String notAnObject = "17";
        UpdateParser.Result r = parse(update(String.join(",", wrong, nested, fraction, huge, notAnObject, file("ok"))));
        assertEquals(5, r.skipped());
        assertEquals(1, r.changes().size());
        assertEquals(DfsPath.of("ok"), r.changes().get(0).path());
    }

    @Test
    void unknownFieldsNullsAndCaseAreTakenAsGoDoes() {
        String json = "{\"extra\":{\"a\":[1,{\"b\":null}]},\"files\":[{\"fullname\":\"x\",\"SizeInBytes\":null,"
                + "\"Dir\":null,\"More\":[[]]}],\"UPDATETIME\":9,\"Full\":null,\"sendernodename\":\"gb\"}";
        UpdateParser.Result r = parse(json);
        assertEquals("gb", r.sender());
        assertEquals(9, r.updateTime());
        assertFalse(r.full());
        assertEquals(1, r.changes().size());
        assertEquals(0, r.changes().get(0).offer().size());
    }

    @Test
    void whateverFollowsTheObjectIsIgnored() {
        UpdateParser.Result r = parse(update(file("a")) + "\n{garbage");
        assertEquals(1, r.changes().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "[]", "nope", "{\"Files\":[", "{\"Files\":[{\"FullName\":\"a\"}", "{\"Files\":{}}",
            "{\"Full\":\"yes\",\"SenderNodeName\":\"gb\"}", "{\"UpdateTime\":\"now\",\"SenderNodeName\":\"gb\"}",
            "{\"SenderNodeName\":7}", "{\"Files\":[]}", "{\"Files\":[],\"SenderNodeName\":\"\"}", "{\"a\":tru}"})
    void malformedOrIncompleteUpdatesFailWithAMessage(String json) {
        BadUpdateException e = assertThrows(BadUpdateException.class, () -> parse(json));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void truncatedBodyIsUnexpectedEof() {
        byte[] body = GoCaptures.fullUpdateBody();
        UpdateParser p = new UpdateParser();
        p.feed(body, 0, body.length / 2);
        assertEquals("unexpected EOF", assertThrows(BadUpdateException.class, p::finish).getMessage());
    }

    @Test
    void deepNestingIsRefusedWithoutRecursion() {
        String deep = "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"SenderNodeName\":\"gb\"}";
        BadUpdateException e = assertThrows(BadUpdateException.class, () -> parse(deep));
        assertTrue(e.getMessage().toLowerCase().contains("nesting"), e.getMessage());
    }

    @Test
    void hugeStringsAreRefused() {
        String big = "a".repeat(5 * 1024 * 1024);
        assertThrows(BadUpdateException.class, () -> parse(update(file(big))));
        assertThrows(BadUpdateException.class, () -> parse("{\"" + big + "\":1}"));
    }

    @Test
    void longButLegalStringsInUnknownFieldsPass() {
        UpdateParser.Result r = parse("{\"Note\":\"" + "n".repeat(60_000) + "\"," + update(file("a")).substring(1));
        assertEquals(1, r.changes().size());
    }

    @Test
    void tooManyEntriesFailTheUpdate() {
        UpdateParser p = new UpdateParser(2);
        byte[] body = update(file("a") + "," + file("b") + "," + file("c")).getBytes(StandardCharsets.UTF_8);
        assertThrows(BadUpdateException.class, () -> p.feed(body, 0, body.length));
    }

    @Test
    void anOfferDatedBeyondTheClockSkewIsRefusedAndTheRestApplies() {
        // A fake clock at T with the default five minutes: T + 300 is believed, T + 301 is not.
        long notAfter = PeerAnnouncements.latestBelievable(
                Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC), PeerAnnouncements.DEFAULT_MAX_CLOCK_SKEW);
        assertEquals(T + 300, notAfter);
        String future = file("takeover").replace("\"LastInfoUpdated\":2", "\"LastInfoUpdated\":9999999999");
        String edge = file("edge").replace("\"LastInfoUpdated\":2", "\"LastInfoUpdated\":" + (T + 300));
        String late = file("late").replace("\"LastInfoUpdated\":2", "\"LastInfoUpdated\":" + (T + 301));
        String gone = file("gone").replace("\"LastInfoUpdated\":2", "\"LastInfoUpdated\":9999999999")
                .replace("\"Deletion\":false", "\"Deletion\":true");
        UpdateParser p = new UpdateParser(UpdateParser.DEFAULT_MAX_ENTRIES, notAfter);
        byte[] body = update(String.join(",", file("fine"), future, edge, late, gone)).getBytes(StandardCharsets.UTF_8);
        p.feed(body, 0, body.length);
        UpdateParser.Result r = p.finish();
        assertEquals(List.of("fine", "edge", "gone"), r.changes().stream().map(c -> c.path().wire()).toList(),
                "a withdrawal takes nothing from anyone, whatever its date");
        assertEquals(2, r.skipped());
        assertTrue(r.skipReasons().get(0).startsWith("takeover: LastInfoUpdated 9999999999"), r.skipReasons().toString());
    }

    @Test
    void feedingAfterTheObjectIsHarmless() {
        UpdateParser p = new UpdateParser();
        byte[] body = update(file("a")).getBytes(StandardCharsets.UTF_8);
        p.feed(body, 0, body.length);
        p.feed(new byte[] {'x', '{'}, 0, 2);
        UpdateParser.Result r = p.finish();
        assertEquals(1, r.changes().size());
        assertNull(r.changes().get(0).offer().next());
    }

    // --- a full update in path order comes out as a tree ---

    private static String full(String files) {
        return update(files).replace("\"Full\":false", "\"Full\":true");
    }

    private static String dir(String fullName) {
        return file(fullName).replace("\"Dir\":false", "\"Dir\":true").replace("\"FileMode\":420", "\"FileMode\":2147484141");
    }

    @Test
    void aFullUpdateInPathOrderBecomesTheSendersTree() {
        UpdateParser.Result r = parse(full(String.join(",", file("a.txt"), dir("d"), file("d/e/f"), file("d/g"))));
        assertTrue(r.tree() != null, "our own writer's order: the tree is built as the entries come");
        assertEquals(4, r.files());
        assertEquals(List.of("/a.txt", "/d", "/d/e/f", "/d/g"),
                r.changes().stream().map(c -> c.path().toString()).toList(), "one change per announced entry");
        assertEquals("gb", r.tree().lookup(DfsPath.of("d/e/f")).owner());
        assertEquals(3, r.tree().lookup(DfsPath.of("d/g")).size());
        assertTrue(r.tree().lookup(DfsPath.of("d")).offer().isDirectory());
        assertNull(r.tree().lookup(DfsPath.of("d/e")).offer(), "announced by nobody, there for what is below");
    }

    @Test
    void theGoCaptureIsInPathOrderToo() {
        UpdateParser.Result r = parse(GoCaptures.fullUpdateBody());
        assertTrue(r.tree() != null);
        assertSameChanges(captureChanges(), r.changes());
    }

    @Test
    void outOfOrderIncrementalOrWithdrawingUpdatesStayChanges() {
        UpdateParser.Result shuffled = parse(full(String.join(",", file("d/g"), file("a.txt"))));
        assertNull(shuffled.tree(), "a Go node sends its map in any order");
        assertEquals(List.of("/d/g", "/a.txt"), shuffled.changes().stream().map(c -> c.path().toString()).toList(),
                "body order");
        assertNull(parse(update(String.join(",", file("a"), file("b")))).tree(), "incremental");
        String deletion = file("b").replace("\"Deletion\":false", "\"Deletion\":true");
        UpdateParser.Result withdrawing = parse(full(String.join(",", file("a"), deletion)));
        assertNull(withdrawing.tree());
        assertTrue(withdrawing.changes().get(1).isWithdrawal());
        UpdateParser.Result twice = parse(full(String.join(",", file("a"), file("a").replace("\"SizeInBytes\":3", "\"SizeInBytes\":9"))));
        assertNull(twice.tree(), "the same path twice");
        assertEquals(9, org.dftp.core.tree.DfsTree.EMPTY.replaceOwner("gb", twice.changes()).lookup(DfsPath.of("a")).size(),
                "the last one wins, as before");
    }

    @Test
    void skippedEntriesLeaveTheRestOfTheTree() {
        UpdateParser.Result r = parse(full(String.join(",", file("a"), file("../x"), file("b"))));
        assertTrue(r.tree() != null);
        assertEquals(1, r.skipped());
        assertEquals(2, r.files());
        assertEquals(2, r.tree().size());
    }
}
