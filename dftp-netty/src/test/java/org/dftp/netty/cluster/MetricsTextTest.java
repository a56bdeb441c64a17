package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.wire.NodeInfo;
import org.dftp.ftp.FtpMetrics;
import org.dftp.netty.NodeMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTextTest {
    private static final long NOW = 1_800_000_000L;

    /** Two peers heard from and updated: the per-peer gauges are where grouping went wrong. */
    private static String scrape() {
        ClusterState s = ClusterState.initial("dftp", NodeInfo.of("self", ":7040", ":7041"))
                .withPeer(NodeInfo.of("b", "10.0.0.2:7040", "10.0.0.2:7041").withLastAlive(NOW - 3).withUpdateReceived(NOW - 9, true))
                .withPeer(NodeInfo.of("c", "10.0.0.3:7040", "10.0.0.3:7041").withLastAlive(NOW - 1).withUpdateReceived(NOW - 5, false));
        NodeMetrics m = new NodeMetrics();
        m.countResponse(200);
        m.countResponse(404);
        m.unwatchedDirectoriesFrom(() -> 7);
        m.ftpFrom(() -> new FtpMetrics(2, 11, 8, 3, 1, 2, 4, 5, 5000, 6, 6000));
        m.accessLogDroppedFrom(() -> 12);
        return MetricsText.render(s, m, Map.of("b", 1L, "c", 2L), new TreeMap<>(Map.of(200, 4L)), NOW);
    }

    @Test
    void everyMetricIsOneGroupThatItsTypeLineOpens() {
        Set<String> closed = new HashSet<>();
        String open = null;
        for (String line : scrape().split("\n")) {
            String name = line.startsWith("# ") ? line.split(" ")[2] : line.split("[{ ]")[0];
            if (line.startsWith("# HELP ")) {
                assertFalse(closed.contains(name) || name.equals(open), name + " opened twice");
                if (open != null) {
                    closed.add(open);
                }
                open = name;
            } else {
                assertEquals(open, name, "line outside its metric's group: " + line);
            }
        }
        assertTrue(closed.contains("dftp_peer_update_age_seconds"), "the per-peer gauges were scraped");
        assertEquals("dftp_peer_last_alive_age_seconds", open);
    }

    @Test
    void perPeerAgesComeFromTheInjectedClock() {
        String text = scrape();
        assertTrue(text.contains("dftp_peer_update_age_seconds{peer=\"b\"} 9\n"), text);
        assertTrue(text.contains("dftp_peer_last_alive_age_seconds{peer=\"c\"} 1\n"), text);
        assertTrue(text.contains("\ndftp_unwatched_directories 7\n"), text);
        assertTrue(text.contains("\ndftp_direct_memory_bytes{pool=\"netty\"} "), text);
        assertTrue(text.contains("\ndftp_direct_memory_bytes{pool=\"nio\"} "), text);
        assertTrue(text.contains("\ndftp_access_log_dropped_total 12\n"), text);
    }

    @Test
    void theFtpPortsFiguresAreScrapedWhenItServes() {
        String text = scrape();
        for (String line : new String[] {"dftp_ftp_sessions 2", "dftp_ftp_sessions_total 11",
                "dftp_ftp_logins_total{result=\"failed\"} 3", "dftp_ftp_refused_total{reason=\"per-address\"} 2",
                "dftp_ftp_refused_total{reason=\"login-timeout\"} 4", "dftp_ftp_transfers_total{direction=\"upload\"} 6",
                "dftp_ftp_bytes_total{direction=\"download\"} 5000"}) {
            assertTrue(text.contains("\n" + line + "\n"), line + " in\n" + text);
        }
        NodeMetrics noFtp = new NodeMetrics();
        String without = MetricsText.render(ClusterState.initial("dftp", NodeInfo.of("self", ":7040", ":7041")),
                noFtp, Map.of(), new TreeMap<>(), NOW);
        assertFalse(without.contains("dftp_ftp_"), "no FTP port, no FTP families");
    }

    @Test
    void promtoolAcceptsTheScrape(@TempDir Path dir) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool is not installed (Debian package prometheus): skipping its check");
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, scrape(), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), out);
    }
}
