/**
 * Folder downloads: {@code GET /fs/DIR/?format=zip} and {@code ?format=tar} stream a whole subtree as one
 * archive. {@link org.dftp.netty.archive.FolderArchive} walks one tree snapshot and writes the entries,
 * {@link org.dftp.netty.archive.EntrySources} opens each file (local through
 * {@link org.dftp.core.local.RegularFiles}, another node's through the blocking peer client FTP uses),
 * {@link org.dftp.netty.archive.ArchiveStream} turns the bytes into buffers written to the channel with
 * back-pressure, and {@link org.dftp.netty.archive.ArchiveResponder} is the Netty side: headers, the worker
 * pool, the end or the abort of the response.
 */
package org.dftp.netty.archive;
