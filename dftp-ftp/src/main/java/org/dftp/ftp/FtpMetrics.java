package org.dftp.ftp;

/**
 * What the FTP port has done since it started, as {@link DfsFtpServer#metrics()} reads it for a scrape of
 * {@code /metrics}. Transfers and their bytes count completed transfers; sessions count every control
 * connection accepted, those refused at connect included.
 *
 * @param sessionsOpen control connections open now
 * @param sessions control connections accepted
 * @param logins successful logins
 * @param failedLogins logins refused with {@code 530}
 * @param refusedMaxConnections connections answered {@code 421}: the port's connection limit
 * @param refusedPerAddress connections answered {@code 421}: their address's limit
 * @param loginTimeouts sessions closed with {@code 421} for not logging in within the login timeout
 * @param downloads completed {@code RETR}s
 * @param bytesDownloaded bytes they sent
 * @param uploads completed {@code STOR}, {@code APPE} and {@code STOU}s
 * @param bytesUploaded bytes they received
 * @param transferDurations how long transfers took, command to final reply, those that failed included
 */
public record FtpMetrics(int sessionsOpen, long sessions, long logins, long failedLogins,
                         long refusedMaxConnections, long refusedPerAddress, long loginTimeouts,
                         long downloads, long bytesDownloaded, long uploads, long bytesUploaded,
                         org.dftp.core.metrics.DurationHistogram.Snapshot transferDurations) {
}
