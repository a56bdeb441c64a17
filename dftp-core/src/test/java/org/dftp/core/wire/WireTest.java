package org.dftp.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.testing.TreeFixtures;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire records against the captures of the original Go implementation (go-dftp/). */
class WireTest {

    private static String capture(String name) throws IOException {
        try (InputStream in = WireTest.class.getResourceAsStream("/go-dftp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The body of a captured request: after the blank line that ends the headers (the capture adds
     * another), {@code Content-Length} bytes. Go's JSON encoder ends the body with a newline.
     */
    private static String body(String name) throws IOException {
        String all = capture(name);
        int headersEnd = all.indexOf("\n\n");
        int length = 0;
        for (String header : all.substring(0, headersEnd).split("\n")) {
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(header.indexOf(':') + 1).trim());
            }
        }
        int start = headersEnd;
        while (all.charAt(start) == '\n') {
            start++;
        }
        byte[] rest = all.substring(start).getBytes(StandardCharsets.UTF_8);
        return new String(rest, 0, length, StandardCharsets.UTF_8);
    }

    /** A pretty-printed capture in the one-line form it has on the wire, field order kept. */
    private static String compact(String json) throws JsonProcessingException {
        return Wire.MAPPER.writeValueAsString(Wire.MAPPER.readTree(json));
    }

    // --- POST /update/ ---

    @Test
    void theCapturedFullUpdateParsesFieldForField() throws IOException {
        UpdateMessage m = Wire.MAPPER.readValue(body("full-update-request.txt"), UpdateMessage.class);
        assertEquals(1795512651L, m.updateTime());
        assertTrue(m.full());
        assertEquals("gb", m.senderNodeName());
        assertEquals(List.of(
                new FileAnnouncement("bigb1g.bin", "bigb1g.bin", false, 1795512638L, 1795512651L, 1073741824L, 420,
                        "gb", false),
                new FileAnnouncement("somedir", "somedir", true, 1795512638L, 1795512651L, 0, 2147484141L, "gb", false),
                new FileAnnouncement("somedir/c.jpg", "c.jpg", false, 1795512638L, 1795512651L, 2, 420, "gb", false)),
                m.files());
    }

    @Test
    void theFullUpdateSerializesBackToTheCapturedBytes() throws IOException {
        String captured = body("full-update-request.txt");
        assertEquals(623, captured.length(), "Content-Length of the capture");
        assertTrue(captured.endsWith("}\n"), "Go's encoder ends with a newline");
        UpdateMessage m = Wire.MAPPER.readValue(captured, UpdateMessage.class);
        assertEquals(captured.substring(0, captured.length() - 1), Wire.MAPPER.writeValueAsString(m));
    }

    @Test
    void announcementsOfOurOwnOffersAreWhatGoSends() throws IOException {
        UpdateMessage m = Wire.MAPPER.readValue(body("full-update-request.txt"), UpdateMessage.class);
        for (FileAnnouncement a : m.files()) {
            Change c = Announcements.toChange(a, "gb");
            assertEquals(a, Announcements.of(c.path(), c.offer()), "round trip of " + a.fullName());
        }
    }

    @Test
    void theCapturedAnnouncementsBecomeGbsOffers() throws IOException {
        UpdateMessage m = Wire.MAPPER.readValue(body("full-update-request.txt"), UpdateMessage.class);
        List<Change> changes = new ArrayList<>();
        for (FileAnnouncement a : m.files()) {
            changes.add(Announcements.toChange(a, m.senderNodeName()));
        }
        Change big = changes.get(0);
        assertEquals(DfsPath.of("/bigb1g.bin"), big.path());
        assertEquals("gb", big.owner());
        assertEquals(0644, big.offer().permissions());
        assertFalse(big.offer().isDirectory());
        assertEquals(1073741824L, big.offer().size());
        assertEquals(1795512638L, big.offer().lastModified());
        assertEquals(1795512651L, big.offer().infoUpdated());
        Offer somedir = changes.get(1).offer();
        assertTrue(somedir.isDirectory());
        assertEquals(0755, somedir.permissions());
        assertEquals(DfsPath.of("/somedir/c.jpg"), changes.get(2).path());
        // The same tree TreeFixtures builds for gb (which adds fb64m.bin from the listing).
        assertEquals(TreeFixtures.dump(DfsTree.EMPTY.apply(TreeFixtures.gbChanges().subList(0, 3))),
                TreeFixtures.dump(DfsTree.EMPTY.apply(changes)));
    }

    @Test
    void theSenderOwnsWhatItAnnouncesWhateverOwnerNodeSays() {
        FileAnnouncement a = new FileAnnouncement("x", "x", false, 1, 2, 3, 420, "somebody-else", false);
        assertEquals("gb", Announcements.toChange(a, "gb").owner());
        assertEquals("gb", Announcements.toChange(a, "gb").offer().owner());
    }

    @Test
    void aDeletionBecomesAWithdrawalAndBack() {
        FileAnnouncement del = Announcements.deletion(DfsPath.of("/somedir/c.jpg"), "gb", 1795512700L, false);
        assertEquals(new FileAnnouncement("somedir/c.jpg", "c.jpg", false, 0, 1795512700L, 0, 0, "gb", true), del);
        Change c = Announcements.toChange(del, "gb");
        assertTrue(c.isWithdrawal());
        assertEquals(DfsPath.of("/somedir/c.jpg"), c.path());
        assertEquals(Integer.toUnsignedLong(Offer.MODE_DIR),
                Announcements.deletion(DfsPath.of("/d"), "gb", 1, true).fileMode());
    }

    @Test
    void theDirFlagDecidesTheDirectoryBitWhateverFileModeSays() {
        Offer dir = Announcements.toChange(new FileAnnouncement("d", "d", true, 1, 2, 99, 0755, "gb", false), "gb")
                .offer();
        assertTrue(dir.isDirectory());
        assertEquals(0, dir.size(), "a directory has no size");
        Offer file = Announcements.toChange(new FileAnnouncement("f", "f", false, 1, 2, 5, 2147484141L, "gb", false),
                "gb").offer();
        assertFalse(file.isDirectory());
        assertEquals(0755, file.permissions());
    }

    @ParameterizedTest(name = "FullName \"{0}\" is refused")
    @ValueSource(strings = {"", "/", "..", "../etc/passwd", "a/../../b", "a\\b", "a\u0000b", "./a"})
    void badFullNamesAreRefused(String fullName) {
        FileAnnouncement a = new FileAnnouncement(fullName, "x", false, 1, 2, 3, 420, "gb", false);
        assertThrows(BadPathException.class, () -> Announcements.toChange(a, "gb"));
    }

    @Test
    void aMissingFullNameIsRefused() {
        FileAnnouncement a = new FileAnnouncement(null, "x", false, 1, 2, 3, 420, "gb", false);
        assertThrows(BadPathException.class, () -> Announcements.toChange(a, "gb"));
    }

    @Test
    void unknownFieldsAreIgnoredAndMissingOnesAreZero() throws IOException {
        FileAnnouncement a = Wire.MAPPER.readValue("{\"FullName\":\"x\",\"Future\":[1,2],\"SizeInBytes\":null}",
                FileAnnouncement.class);
        assertEquals(new FileAnnouncement("x", null, false, 0, 0, 0, 0, null, false), a);
    }

    @Test
    void theParserRefusesAbsurdNestingAndStrings() {
        String deep = "[".repeat(100) + "]".repeat(100);
        assertThrows(IOException.class, () -> Wire.MAPPER.readTree(deep));
        String huge = "{\"FullName\":\"" + "x".repeat(100_000) + "\"}";
        assertThrows(IOException.class, () -> Wire.MAPPER.readValue(huge, FileAnnouncement.class));
    }

    // --- GET /cluster/ ---

    @Test
    void theCapturedClusterInfoParses() throws IOException {
        ClusterInfo info = Wire.MAPPER.readValue(capture("cluster-info.json"), ClusterInfo.class);
        assertEquals("dftp", info.name());
        assertEquals(new NodeInfo("gb", "127.0.0.1:7050", "127.0.0.1:7051", 1795512981L, 0, 0, 0), info.me());
        assertEquals(List.of("ga"), List.copyOf(info.peers().keySet()));
        assertEquals(new NodeInfo("ga", "127.0.0.1:7040", "127.0.0.1:7041", 1795512982L, 1795512982L, 1795512981L,
                1795512981L), info.peers().get("ga"));
    }

    @Test
    void clusterInfoSerializesWithTheCapturesFieldsInTheCapturesOrder() throws IOException {
        String captured = capture("cluster-info.json");
        ClusterInfo info = Wire.MAPPER.readValue(captured, ClusterInfo.class);
        assertEquals(compact(captured), Wire.MAPPER.writeValueAsString(info));
    }

    @Test
    void peersAreSerializedInTheMapsOrder() throws IOException {
        java.util.Map<String, NodeInfo> peers = new java.util.LinkedHashMap<>();
        peers.put("a", NodeInfo.of("a", "x:1", "x:2"));
        peers.put("b", NodeInfo.of("b", "y:1", "y:2"));
        JsonNode json = Wire.MAPPER.readTree(Wire.MAPPER.writeValueAsString(
                new ClusterInfo("dftp", NodeInfo.of("me", ":1", ":2"), peers)));
        List<String> names = new ArrayList<>();
        json.get("Peers").fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("a", "b"), names);
    }

    // --- discovery ---

    @Test
    void theCapturedDiscoveryPingRoundTripsExactly() throws IOException {
        String captured = capture("discovery-ping.json").strip();
        DiscoveryPing ping = Wire.MAPPER.readValue(captured, DiscoveryPing.class);
        assertEquals(DiscoveryPing.ping("dftp", "gmc", ":7081"), ping);
        assertEquals(captured, Wire.MAPPER.writeValueAsString(ping));
    }

    @Test
    void aPingWithoutFieldsParsesToNulls() throws IOException {
        DiscoveryPing p = Wire.MAPPER.readValue("{\"Type\":\"ping\"}", DiscoveryPing.class);
        assertNull(p.clusterName());
        assertNull(p.mgmtAddr());
    }
}
