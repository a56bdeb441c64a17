/**
 * TLS for the node's ports: {@link org.dftp.netty.tls.ServerTls} builds the server context from PEM files
 * (BoringSSL through netty-tcnative where it loads, the JDK's engine otherwise, chosen once) and swaps in a
 * new one when the files change. See docs/TLS.md.
 */
package org.dftp.netty.tls;
