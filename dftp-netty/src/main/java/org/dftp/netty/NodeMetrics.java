package org.dftp.netty;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's counters, shared by the public HTTP server, the proxy, FTP and the cluster services, and
 * exposed on the management port's {@code /metrics}. Counters are {@link LongAdder}s: every event loop
 * adds without contention, and only the scrape sums.
 */
public final class NodeMetrics {
    public final LongAdder bytesServedLocal = new LongAdder();
    public final LongAdder bytesServedProxied = new LongAdder();
    /** Bytes of folder archives ({@code ?format=zip|tar}) written to clients, headers of the entries included. */
    public final LongAdder bytesServedArchives = new LongAdder();
    /** Folder archives broken off because a file could not be sent whole. */
    public final LongAdder archivesBroken = new LongAdder();
    public final LongAdder peersRemoved = new LongAdder();
    public final LongAdder peersReturned = new LongAdder();
    public final LongAdder updatesReceived = new LongAdder();
    public final LongAdder updatesPushed = new LongAdder();
    /** Management requests and discovery pings refused for their cluster signature (absent, wrong, stale). */
    public final LongAdder requestsRefusedUnsigned = new LongAdder();
    /** Connections refused on the public or management port for their address's connection limit. */
    public final LongAdder connectionsRefusedPerAddress = new LongAdder();
    /** Requests answered {@code 408} because their headers did not arrive in time. */
    public final LongAdder headerTimeouts = new LongAdder();
    /** Connections closed because the client stopped reading a response. */
    public final LongAdder stalledReadersCut = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> requestsByStatus = new ConcurrentHashMap<>();
    /** Public HTTP requests, from the request's arrival to its last byte's write. */
    public final org.dftp.core.metrics.DurationHistogram httpDurations = new org.dftp.core.metrics.DurationHistogram();
    /** Management requests, from arrival to the answer sent. */
    public final org.dftp.core.metrics.DurationHistogram mgmtDurations = new org.dftp.core.metrics.DurationHistogram();
    /** Directories of the local tree that could not be watched (the inotify limit); read at each scrape. */
    private volatile java.util.function.IntSupplier unwatchedDirectories = () -> 0;

    /** The FTP port's figures, read at each scrape; null while there is no FTP port. */
    private volatile java.util.function.Supplier<org.dftp.ftp.FtpMetrics> ftp = () -> null;

    /** Where {@link #ftp()} comes from: the node's FTP server, once it listens. */
    public void ftpFrom(java.util.function.Supplier<org.dftp.ftp.FtpMetrics> source) {
        ftp = source;
    }

    /** The FTP port's figures now, or null when the node serves no FTP. */
    public org.dftp.ftp.FtpMetrics ftp() {
        return ftp.get();
    }

    /** Access-log lines dropped because the disk fell behind; read at each scrape. */
    private volatile java.util.function.LongSupplier accessLogDropped = () -> 0;

    /** Where {@link #accessLogDropped()} comes from: the node's {@code AccessLog}. */
    public void accessLogDroppedFrom(java.util.function.LongSupplier source) {
        accessLogDropped = source;
    }

    public long accessLogDropped() {
        return accessLogDropped.getAsLong();
    }

    /** Where {@link #unwatchedDirectories()} comes from: the node's disk watcher. */
    public void unwatchedDirectoriesFrom(java.util.function.IntSupplier source) {
        unwatchedDirectories = source;
    }

    public int unwatchedDirectories() {
        return unwatchedDirectories.getAsInt();
    }

    /** Counts one public HTTP response with this status. */
    public void countResponse(int status) {
        requestsByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** Responses so far by status code. */
    public java.util.SortedMap<Integer, Long> responsesByStatus() {
        java.util.TreeMap<Integer, Long> out = new java.util.TreeMap<>();
        requestsByStatus.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /**
     * Hands every figure of these counters to {@code sink}, under the names {@code /metrics} gives them: for
     * a host that exports an embedded server's metrics through its own system. Request durations come as
     * their count and their sum ({@code dftp_request_duration_seconds_count}, {@code _sum}), without the
     * buckets. The cluster's own gauges (peers, update lag) are on the management port's {@code /metrics}.
     *
     * @param sink the host's adapter, called once per figure on this thread
     */
    public void report(MetricsSink sink) {
        sink.counter("dftp_bytes_served_total", "Bytes of file content served over HTTP, by where they came from.",
                bytesServedLocal.sum(), "source", "local");
        sink.counter("dftp_bytes_served_total", "Bytes of file content served over HTTP, by where they came from.",
                bytesServedProxied.sum(), "source", "proxied");
        sink.counter("dftp_bytes_served_total", "Bytes of file content served over HTTP, by where they came from.",
                bytesServedArchives.sum(), "source", "archive");
        sink.counter("dftp_archives_broken_total", "Folder archives broken off because a file in them could not be sent whole.",
                archivesBroken.sum());
        responsesByStatus().forEach((code, n) -> sink.counter("dftp_http_responses_total",
                "Public HTTP responses by status code.", n, "code", code.toString()));
        org.dftp.core.metrics.DurationHistogram.Snapshot http = httpDurations.snapshot();
        sink.counter("dftp_request_duration_seconds_count", "Public HTTP requests timed.", http.count(),
                "interface", "http");
        sink.gauge("dftp_request_duration_seconds_sum", "Seconds the timed public HTTP requests took, added up.",
                http.sumSeconds(), "interface", "http");
        sink.counter("dftp_connections_refused_per_address_total",
                "HTTP and management connections refused for their address's connection limit.",
                connectionsRefusedPerAddress.sum());
        sink.counter("dftp_header_timeouts_total", "Requests answered 408: headers not received in time.",
                headerTimeouts.sum());
        sink.counter("dftp_stalled_readers_cut_total", "Connections closed: the client stopped reading.",
                stalledReadersCut.sum());
        sink.counter("dftp_access_log_dropped_total",
                "Access-log lines dropped because the writer fell behind the requests (-access-log).", accessLogDropped());
        sink.gauge("dftp_unwatched_directories",
                "Local directories past the inotify watch limit, rescanned periodically instead of watched.",
                unwatchedDirectories());
        sink.counter("dftp_updates_received_total", "Updates received from peers.", updatesReceived.sum());
        sink.counter("dftp_updates_pushed_total", "Updates pushed to peers.", updatesPushed.sum());
        sink.counter("dftp_peers_removed_total", "Peers removed for not answering.", peersRemoved.sum());
        sink.counter("dftp_peers_returned_total", "Removed peers that came back.", peersReturned.sum());
        sink.counter("dftp_signature_refusals_total",
                "Management requests and discovery pings refused for their cluster signature.", requestsRefusedUnsigned.sum());
    }
}
