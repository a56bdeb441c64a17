package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.MetricsSink;
import org.dftp.netty.NodeMetrics;
import org.junit.jupiter.api.Test;

/** What a host's metrics system gets through {@link NodeMetrics#report} is what {@code /metrics} shows. */
class MetricsSinkTest {
    @Test
    void everyReportedFigureIsALineOfTheScrapeWithItsHelp() {
        NodeMetrics m = new NodeMetrics();
        m.countResponse(200);
        m.countResponse(200);
        m.countResponse(404);
        m.bytesServedLocal.add(1234);
        m.httpDurations.observe(500_000_000L);
        m.unwatchedDirectoriesFrom(() -> 3);
        String scrape = MetricsText.render(ClusterState.initial("dftp", NodeInfo.of("self", ":7040", ":7041")), m,
                Map.of(), new TreeMap<>(), 0);
        List<String> lines = new ArrayList<>();
        m.report(new MetricsSink() {
            @Override
            public void counter(String name, String help, long value, String... labels) {
                add(name, help, Long.toString(value), labels);
            }

            @Override
            public void gauge(String name, String help, double value, String... labels) {
                add(name, help, value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value), labels);
            }

            private void add(String name, String help, String value, String... labels) {
                if (!name.startsWith("dftp_request_duration_seconds_")) { // a histogram's: its family has the help
                    assertTrue(scrape.contains("# HELP " + name + " " + help + "\n"), name + ": " + help);
                }
                StringBuilder l = new StringBuilder(name);
                for (int i = 0; i < labels.length; i += 2) {
                    l.append(i == 0 ? "{" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
                }
                lines.add(l.append(labels.length > 0 ? "} " : " ").append(value).toString());
            }
        });
        for (String line : lines) {
            assertTrue(scrape.contains(line + "\n"), "/metrics has " + line);
        }
        assertTrue(lines.contains("dftp_http_responses_total{code=\"200\"} 2"), lines.toString());
        assertTrue(lines.contains("dftp_request_duration_seconds_sum{interface=\"http\"} 0.5"), lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("dftp_unwatched_directories ")).count());
    }
}
