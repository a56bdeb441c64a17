/**
 * The access log of {@code -access-log}: {@link org.dftp.core.access.AccessLine} formats one request or
 * transfer in nginx's combined format, {@link org.dftp.core.access.AccessLog} writes the lines on a thread
 * of its own, so that neither an event loop nor an FTP transfer ever waits for the disk.
 */
package org.dftp.core.access;
