/**
 * Pipeline pieces that bound what one client can hold on the HTTP ports: {@link org.dftp.netty.limits.HeaderTimeout}
 * ({@code 408} for headers that do not arrive), {@link org.dftp.netty.limits.StalledReaderTimeout} (a client that
 * stopped reading its response is cut) and {@link org.dftp.netty.limits.PerAddressLimit} (most connections of one
 * client address). The public pipeline ({@code http/PublicHttpInitializer.java}) and the management server
 * ({@code cluster/ManagementServer.java}) both use them; docs/RELIABILITY.md lists the flags.
 */
package org.dftp.netty.limits;
