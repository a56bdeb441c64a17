package org.dftp.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.junit.jupiter.api.Test;

class UpdateWriterTest {
    private static final long T = 1795512651L;

    private static byte[] writeAll(UpdateWriter w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.writeTo(out);
        w.close();
        return out.toByteArray();
    }

    @Test
    void fullUpdateOfTheCaptureTreeIsByteForByteWhatGoSent() throws IOException {
        DfsTree tree = DfsTree.EMPTY.apply(UpdateParserTest.captureChanges());
        byte[] ours = writeAll(UpdateWriter.full(tree, "gb", T));
        assertEquals(new String(GoCaptures.fullUpdateBody(), java.nio.charset.StandardCharsets.UTF_8),
                new String(ours, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void fieldNamesOrderAndTypesMatchTheCapture() throws IOException {
        DfsTree tree = DfsTree.EMPTY.apply(UpdateParserTest.captureChanges());
        JsonNode ours = Wire.MAPPER.readTree(writeAll(UpdateWriter.full(tree, "gb", T)));
        JsonNode go = Wire.MAPPER.readTree(GoCaptures.fullUpdateBody());
        GoCaptures.assertSameShape(go, ours, "$");
        assertEquals(go, ours);
    }

    @Test
    void pulledInTinyChunksTheBytesAreTheSame() throws IOException {
        DfsTree tree = DfsTree.EMPTY.apply(UpdateParserTest.captureChanges());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int calls = 0;
        try (UpdateWriter w = UpdateWriter.full(tree, "gb", T)) {
            while (w.writeSome(out, 1)) {
                calls++;
            }
            assertFalse(w.writeSome(out, 1));
            assertEquals(3, w.entriesWritten());
        }
        assertTrue(calls >= 3, "one entry per pull at least");
        assertArrayEquals(GoCaptures.fullUpdateBody(), out.toByteArray());
    }

    /** Three owners, interleaved in some directories and alone in others, one path offered twice. */
    private static DfsTree mixedTree(int perDir) {
        List<Change> changes = new ArrayList<>();
        String[] owners = {"a", "b", "c"};
        for (int d = 0; d < 30; d++) {
            String owner = owners[d % 3];
            DfsPath dir = DfsPath.of("dir" + d);
            changes.add(Change.offer(dir, Offer.of(owner, Offer.MODE_DIR | 0755, 0, 1, 10)));
            for (int f = 0; f < perDir; f++) {
                String fileOwner = d % 5 == 0 ? owners[f % 3] : owner;
                changes.add(Change.offer(dir.child("f" + f), Offer.of(fileOwner, 0644, f, 2, 10)));
            }
        }
        changes.add(Change.offer(DfsPath.of("shared.txt"), Offer.of("a", 0644, 1, 1, 10)));
        changes.add(Change.offer(DfsPath.of("shared.txt"), Offer.of("b", 0644, 2, 1, 20)));
        return DfsTree.EMPTY.apply(changes);
    }

    private static List<Change> offersOf(DfsTree tree, String owner) {
        List<Change> out = new ArrayList<>();
        var w = tree.walk(DfsPath.ROOT);
        while (w.advance()) {
            Offer o = Announcements.offerOf(w.node(), owner);
            if (o != null) {
                out.add(Change.offer(DfsPath.of(w.path().toString()), o));
            }
        }
        return out;
    }

    @Test
    void aFullUpdateCarriesEveryOfferOfTheOwnerAndNothingElse() throws IOException {
        DfsTree tree = mixedTree(200);
        for (String owner : List.of("a", "b", "c", "nobody")) {
            byte[] body = writeAll(UpdateWriter.full(tree, owner, T));
            UpdateParser p = new UpdateParser();
            p.feed(body, 0, body.length);
            UpdateParser.Result r = p.finish();
            assertEquals(owner, r.sender());
            assertTrue(r.full());
            List<Change> expected = offersOf(tree, owner);
            assertEquals(expected.size(), r.changes().size(), owner);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).path(), r.changes().get(i).path());
                assertTrue(expected.get(i).offer().sameAs(r.changes().get(i).offer()));
            }
            // the receiving side rebuilds the same offers
            assertEquals(expected.size(), offersOf(DfsTree.EMPTY.replaceOwner(owner, r.changes()), owner).size());
        }
        // the losing offer of a shared path is still announced by its owner
        byte[] a = writeAll(UpdateWriter.full(tree, "a", T));
        assertTrue(new String(a, java.nio.charset.StandardCharsets.UTF_8).contains("\"FullName\":\"shared.txt\""));
    }

    @Test
    void chunksStayNearTheAskedSize() throws IOException {
        DfsTree tree = mixedTree(2000);
        int max = 0;
        long total = 0;
        try (UpdateWriter w = UpdateWriter.full(tree, "a", T)) {
            boolean more = true;
            while (more) {
                ByteArrayOutputStream chunk = new ByteArrayOutputStream();
                more = w.writeSome(chunk, 16 * 1024);
                max = Math.max(max, chunk.size());
                total += chunk.size();
            }
            assertEquals(total, w.bytesWritten());
        }
        assertTrue(total > 1_000_000, "a real amount was written: " + total);
        assertTrue(max <= 16 * 1024 + 1024, "a chunk is the asked size plus at most one entry: " + max);
    }

    @Test
    void incrementalUpdateAnnouncesOffersAndDeletions() throws IOException {
        List<Change> changes = List.of(
                Change.offer(DfsPath.of("new/file.txt"), Offer.of("gb", 0644, 7, 100, T)),
                Change.withdraw(DfsPath.of("old.txt"), "gb"));
        byte[] body = writeAll(UpdateWriter.incremental(changes, "gb", T + 1));
        JsonNode json = Wire.MAPPER.readTree(body);
        assertFalse(json.get("Full").asBoolean());
        assertEquals(T + 1, json.get("UpdateTime").asLong());
        JsonNode del = json.get("Files").get(1);
        assertTrue(del.get("Deletion").asBoolean());
        assertEquals("old.txt", del.get("Basename").asText());
        assertEquals(T + 1, del.get("LastInfoUpdated").asLong());
        GoCaptures.assertSameShape(Wire.MAPPER.readTree(GoCaptures.fullUpdateBody()), json, "$");

        UpdateParser p = new UpdateParser();
        p.feed(body, 0, body.length);
        UpdateParser.Result r = p.finish();
        assertEquals(2, r.changes().size());
        assertTrue(r.changes().get(1).isWithdrawal());
    }

    @Test
    void anIncrementalUpdateCarriesOnlyTheSendersChanges() {
        List<Change> other = List.of(Change.withdraw(DfsPath.of("x"), "ga"));
        assertThrows(IllegalArgumentException.class, () -> UpdateWriter.incremental(other, "gb", T));
    }

    @Test
    void anEmptyTreeIsAnEmptyFilesArray() throws IOException {
        JsonNode json = Wire.MAPPER.readTree(writeAll(UpdateWriter.full(DfsTree.EMPTY, "gb", 3)));
        assertEquals(0, json.get("Files").size());
        assertEquals("gb", json.get("SenderNodeName").asText());
    }

    @Test
    void theWalkSkipsSubtreesOfOtherOwnersWithoutListingThem() {
        DfsTree tree = mixedTree(50);
        assertFalse(new UpdateWriter.OwnerWalk(tree, "nobody").advance());
    }
}
