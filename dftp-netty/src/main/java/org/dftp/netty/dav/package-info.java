/**
 * Writes over HTTP: WebDAV (RFC 4918) on {@code /fs/}, carried out on this node's disk through
 * {@link org.dftp.core.write.LocalWrites} or forwarded to the node that owns the place.
 *
 * <p>{@link org.dftp.netty.dav.DavHandler} dispatches one request; each request's body goes to one
 * {@link org.dftp.netty.http.RequestBody}: an {@link org.dftp.netty.dav.UploadBody} streams a {@code PUT} to
 * disk off the event loop, a {@link org.dftp.netty.dav.SmallBody} collects an XML body (at most 64 KiB),
 * a {@link org.dftp.netty.dav.ForwardedRequest} relays the request to the owner. Locks
 * ({@link org.dftp.netty.dav.LockTable}) and dead properties ({@link org.dftp.netty.dav.DeadProperties})
 * live in memory on the node that carries out the writes of a place. See docs/WRITES.md.
 */
package org.dftp.netty.dav;
