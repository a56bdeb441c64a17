package org.dftp.netty.cluster;

import java.util.Map;
import java.util.SortedMap;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.wire.NodeInfo;
import org.dftp.core.metrics.DurationHistogram;
import org.dftp.ftp.FtpMetrics;
import org.dftp.netty.NodeMetrics;

/**
 * {@code GET /metrics} in the Prometheus text exposition format (version 0.0.4): the node's counters
 * from {@link NodeMetrics} and gauges read from one store snapshot.
 */
final class MetricsText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(2048);
    /**
     * The family whose samples may follow: the format (and OpenMetrics, strictly) wants all lines of one
     * metric in one group after its TYPE line, so a sample of any other name is a bug, caught here.
     */
    private String family;

    private MetricsText() {
    }

    static String render(ClusterState s, NodeMetrics m, Map<String, Long> updateLag,
                         SortedMap<Integer, Long> mgmtResponses, long now) {
        MetricsText t = new MetricsText();
        t.help("dftp_peers", "gauge", "Peers this node knows.");
        t.sample("dftp_peers", "", s.peers().size());
        t.help("dftp_entries", "gauge", "Entries (files and directories) in this node's tree of the whole DFS.");
        t.sample("dftp_entries", "", s.tree().size());

        t.help("dftp_direct_memory_bytes", "gauge",
                "Direct (off-heap) memory in use: Netty's pooled buffers, and the JDK's NIO buffers.");
        t.sample("dftp_direct_memory_bytes", label("pool", "netty"), nettyDirectBytes());
        t.sample("dftp_direct_memory_bytes", label("pool", "nio"), nioDirectBytes());

        t.help("dftp_unwatched_directories", "gauge",
                "Local directories past the inotify watch limit, rescanned periodically instead of watched.");
        t.sample("dftp_unwatched_directories", "", m.unwatchedDirectories());

        t.help("dftp_access_log_dropped_total", "counter",
                "Access-log lines dropped because the writer fell behind the requests (-access-log).");
        t.sample("dftp_access_log_dropped_total", "", m.accessLogDropped());

        t.help("dftp_bytes_served_total", "counter", "Bytes of file content served over HTTP, by where they came from.");
        t.sample("dftp_bytes_served_total", label("source", "local"), m.bytesServedLocal.sum());
        t.sample("dftp_bytes_served_total", label("source", "proxied"), m.bytesServedProxied.sum());
        t.sample("dftp_bytes_served_total", label("source", "archive"), m.bytesServedArchives.sum());
        t.help("dftp_archives_broken_total", "counter",
                "Folder archives broken off because a file in them could not be sent whole.");
        t.sample("dftp_archives_broken_total", "", m.archivesBroken.sum());

        t.help("dftp_http_responses_total", "counter", "Public HTTP responses by status code.");
        m.responsesByStatus().forEach((code, n) -> t.sample("dftp_http_responses_total", label("code", code.toString()), n));
        t.help("dftp_mgmt_responses_total", "counter", "Management API responses by status code.");
        mgmtResponses.forEach((code, n) -> t.sample("dftp_mgmt_responses_total", label("code", code.toString()), n));

        FtpMetrics ftp = m.ftp();
        if (ftp != null) {
            t.ftp(ftp);
        }

        t.help("dftp_request_duration_seconds", "histogram",
                "How long requests took, by interface: public HTTP (arrival to last byte written), management, and FTP transfers.");
        t.histogram("http", m.httpDurations.snapshot());
        t.histogram("mgmt", m.mgmtDurations.snapshot());
        if (ftp != null) {
            t.histogram("ftp", ftp.transferDurations());
        }

        t.help("dftp_updates_received_total", "counter", "Updates received from peers.");
        t.sample("dftp_updates_received_total", "", m.updatesReceived.sum());
        t.help("dftp_updates_pushed_total", "counter", "Updates pushed to peers.");
        t.sample("dftp_updates_pushed_total", "", m.updatesPushed.sum());
        t.help("dftp_peers_removed_total", "counter", "Peers removed for not answering.");
        t.sample("dftp_peers_removed_total", "", m.peersRemoved.sum());
        t.help("dftp_peers_returned_total", "counter", "Removed peers that came back.");
        t.sample("dftp_peers_returned_total", "", m.peersReturned.sum());
        t.help("dftp_signature_refusals_total", "counter",
                "Management requests and discovery pings refused for their cluster signature.");
        t.sample("dftp_signature_refusals_total", "", m.requestsRefusedUnsigned.sum());
        t.help("dftp_connections_refused_per_address_total", "counter",
                "HTTP and management connections refused for their address's connection limit.");
        t.sample("dftp_connections_refused_per_address_total", "", m.connectionsRefusedPerAddress.sum());
        t.help("dftp_header_timeouts_total", "counter", "Requests answered 408: headers not received in time.");
        t.sample("dftp_header_timeouts_total", "", m.headerTimeouts.sum());
        t.help("dftp_stalled_readers_cut_total", "counter", "Connections closed: the client stopped reading.");
        t.sample("dftp_stalled_readers_cut_total", "", m.stalledReadersCut.sum());

        t.help("dftp_peer_update_lag_seconds", "gauge",
                "Seconds between a peer's last update being made (its UpdateTime) and its arrival here.");
        updateLag.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> t.sample("dftp_peer_update_lag_seconds", label("peer", e.getKey()), e.getValue()));
        t.help("dftp_peer_update_age_seconds", "gauge", "Seconds since the last update received from each peer.");
        for (NodeInfo p : s.peers().values()) {
            if (p.lastUpdateReceived() > 0) {
                t.sample("dftp_peer_update_age_seconds", label("peer", p.name()), Math.max(0, now - p.lastUpdateReceived()));
            }
        }
        t.help("dftp_peer_last_alive_age_seconds", "gauge", "Seconds since each peer was last heard from.");
        for (NodeInfo p : s.peers().values()) {
            if (p.lastAlive() > 0) {
                t.sample("dftp_peer_last_alive_age_seconds", label("peer", p.name()), Math.max(0, now - p.lastAlive()));
            }
        }
        return t.out.toString();
    }

    /** The direct memory of the allocator the node's channels use (Netty 4.2's default is the adaptive one). */
    private static long nettyDirectBytes() {
        return io.netty.buffer.ByteBufAllocator.DEFAULT instanceof io.netty.buffer.ByteBufAllocatorMetricProvider p
                ? p.metric().usedDirectMemory() : 0;
    }

    private static long nioDirectBytes() {
        for (java.lang.management.BufferPoolMXBean pool
                : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    /** The FTP port's families; absent when the node serves no FTP. */
    private void ftp(FtpMetrics f) {
        help("dftp_ftp_sessions", "gauge", "FTP control connections open now.");
        sample("dftp_ftp_sessions", "", f.sessionsOpen());
        help("dftp_ftp_sessions_total", "counter", "FTP control connections accepted, those refused at connect included.");
        sample("dftp_ftp_sessions_total", "", f.sessions());
        help("dftp_ftp_logins_total", "counter", "FTP logins by result.");
        sample("dftp_ftp_logins_total", label("result", "ok"), f.logins());
        sample("dftp_ftp_logins_total", label("result", "failed"), f.failedLogins());
        help("dftp_ftp_refused_total", "counter", "FTP sessions refused or closed with 421, by the limit that did it.");
        sample("dftp_ftp_refused_total", label("reason", "max-connections"), f.refusedMaxConnections());
        sample("dftp_ftp_refused_total", label("reason", "per-address"), f.refusedPerAddress());
        sample("dftp_ftp_refused_total", label("reason", "login-timeout"), f.loginTimeouts());
        byDirection("dftp_ftp_transfers_total", "Completed FTP transfers of file content, by direction.",
                f.downloads(), f.uploads());
        byDirection("dftp_ftp_bytes_total", "Bytes of file content in completed FTP transfers, by direction.",
                f.bytesDownloaded(), f.bytesUploaded());
    }

    private void byDirection(String name, String text, long download, long upload) {
        help(name, "counter", text);
        sample(name, label("direction", "download"), download);
        sample(name, label("direction", "upload"), upload);
    }

    /** One interface's lines of the {@code dftp_request_duration_seconds} histogram. */
    private void histogram(String iface, DurationHistogram.Snapshot h) {
        String family = "dftp_request_duration_seconds";
        for (int i = 0; i < h.cumulative().length; i++) {
            String le = i < DurationHistogram.BOUNDS.length ? bound(DurationHistogram.BOUNDS[i]) : "+Inf";
            line(family, family + "_bucket", "{interface=\"" + iface + "\",le=\"" + le + "\"}", Long.toString(h.cumulative()[i]));
        }
        line(family, family + "_sum", "{interface=\"" + iface + "\"}", Double.toString(h.sumSeconds()));
        line(family, family + "_count", "{interface=\"" + iface + "\"}", Long.toString(h.count()));
    }

    private static String bound(double b) {
        return b == Math.rint(b) ? Long.toString((long) b) : Double.toString(b);
    }

    /** A sample line of a family whose samples carry suffixes (a histogram's {@code _bucket}, {@code _sum}, {@code _count}). */
    private void line(String family, String name, String labels, String value) {
        if (!family.equals(this.family)) {
            throw new IllegalStateException(name + " sampled outside its group (after " + this.family + ")");
        }
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private void help(String name, String type, String text) {
        family = name;
        out.append("# HELP ").append(name).append(' ').append(text).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, long value) {
        line(name, name, labels, Long.toString(value));
    }

    /** One label, its value escaped as the format requires. */
    static String label(String name, String value) {
        StringBuilder sb = new StringBuilder(name.length() + value.length() + 5);
        sb.append('{').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append("\"}").toString();
    }
}
