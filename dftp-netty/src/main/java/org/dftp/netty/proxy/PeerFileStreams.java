package org.dftp.netty.proxy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.dftp.core.DfsPath;
import org.dftp.netty.HostPort;

/**
 * Blocking streams of other nodes' files, from a given offset, fetched from the owner's public API
 * like the HTTP proxy does ({@code Range: bytes=offset-}, {@code redirN=1}). For front ends that do
 * blocking I/O on threads of their own: FTP.
 *
 * <p>Each stream is one HTTP/1.1 request on a connection of its own, read by the caller's thread
 * straight from the socket ({@link PeerBodyStream}), not through the node's Reactor Netty client: that
 * client reads on an event loop and hands each buffer to the blocking reader through a queue, a
 * wake-up and a demand signal per buffer, which held FTP at about a third of vsftpd's speed for other
 * nodes' files. One thread that reads a large buffer from the owner and writes it to the FTP client
 * keeps the bytes in its own cache and pays no hand-offs; the event loops stay free for HTTP.
 */
public final class PeerFileStreams {
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int HEADERS_TIMEOUT_MILLIS = 30_000;
    static final int READ_TIMEOUT_MILLIS = 60_000;

    private final PeerAddresses peers;
    private final int headersTimeoutMillis;
    private final int readTimeoutMillis;
    private final org.dftp.netty.tls.PeerTls tls;
    /** Signs each request to an owner in a cluster with a secret; null without one. */
    private final org.dftp.netty.http.HopSignature hop;

    public PeerFileStreams(PeerAddresses peers) {
        this(peers, null, null);
    }

    /**
     * @param tls TLS to the owners ({@code -peer-tls}), or null
     * @param hop signs every request to an owner, in a cluster with a secret; null without one
     */
    public PeerFileStreams(PeerAddresses peers, org.dftp.netty.tls.PeerTls tls, org.dftp.netty.http.HopSignature hop) {
        this(peers, HEADERS_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS, tls, hop);
    }

    PeerFileStreams(PeerAddresses peers, int headersTimeoutMillis, int readTimeoutMillis) {
        this(peers, headersTimeoutMillis, readTimeoutMillis, null, null);
    }

    private PeerFileStreams(PeerAddresses peers, int headersTimeoutMillis, int readTimeoutMillis,
                            org.dftp.netty.tls.PeerTls tls, org.dftp.netty.http.HopSignature hop) {
        this.peers = peers;
        this.headersTimeoutMillis = headersTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        this.tls = tls;
        this.hop = hop;
    }

    private String signed(String target) {
        return hop == null ? null : hop.sign("GET", target, null);
    }

    /**
     * Opens {@code path} as served by {@code owner}, starting at byte {@code offset}. The stream is also a
     * {@link org.dftp.ftp.ByteBufferSource}; closing it closes the connection to the owner.
     *
     * @throws FileNotFoundException when the owner does not have it
     * @throws IOException when the owner is unknown, unreachable or answers with an error
     */
    public InputStream open(String owner, DfsPath path, long offset) throws IOException {
        HostPort addr = peers.publicAddress(owner);
        if (addr == null) {
            throw new IOException("node " + owner + ", the owner of " + path + ", is not a known peer");
        }
        String target = "/fs" + RemoteFileProxy.encode(path) + "?redirN=1";
        if (tls != null) {
            return openTls(owner, addr, target, path, offset);
        }
        PeerBodyStream in;
        try {
            in = PeerBodyStream.get(addr, target, signed(target), offset, CONNECT_TIMEOUT_MILLIS,
                    headersTimeoutMillis, readTimeoutMillis);
        } catch (IOException e) {
            throw new IOException("node " + owner + " did not answer: " + e.getMessage(), e);
        }
        int code = in.status();
        if (code == 200 || code == 206) {
            if (code == 200 && offset > 0) {
                in.skipNBytes(offset); // the owner ignored the range: skip what the client already has
            }
            return in;
        }
        in.close();
        if (code == 404) {
            throw new FileNotFoundException(path + " is not on node " + owner);
        }
        if (code == 416) {
            return InputStream.nullInputStream(); // offset at or past the end: nothing left to send
        }
        throw new IOException("node " + owner + " answered " + code + " for " + path);
    }

    /**
     * Under {@code -peer-tls}: the JDK's HTTPS client, read by the session's thread. The bytes must pass
     * through the cipher, so neither the splice nor the buffer hand-over of the plain path applies.
     */
    private InputStream openTls(String owner, HostPort addr, String target, DfsPath path, long offset)
            throws IOException {
        java.net.URL url = new java.net.URL("https", addr.host().isEmpty() ? "127.0.0.1" : addr.host(), addr.port(), target);
        javax.net.ssl.HttpsURLConnection c = (javax.net.ssl.HttpsURLConnection) url.openConnection();
        c.setSSLSocketFactory(tls.jdkClient().getSocketFactory());
        // The chain decides who is a peer, not the name: see PeerTls.
        c.setHostnameVerifier((host, session) -> true);
        c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        c.setReadTimeout(readTimeoutMillis);
        c.setUseCaches(false);
        if (hop != null) {
            c.setRequestProperty(org.dftp.netty.http.HopSignature.HEADER, signed(target));
        }
        if (offset > 0) {
            c.setRequestProperty("Range", "bytes=" + offset + "-");
        }
        int code;
        try {
            code = c.getResponseCode();
        } catch (IOException e) {
            throw new IOException("node " + owner + " did not answer: " + e.getMessage(), e);
        }
        if (code == 200 || code == 206) {
            InputStream in = c.getInputStream();
            if (code == 200 && offset > 0) {
                in.skipNBytes(offset);
            }
            return in;
        }
        c.disconnect();
        if (code == 404) {
            throw new FileNotFoundException(path + " is not on node " + owner);
        }
        if (code == 416) {
            return InputStream.nullInputStream();
        }
        throw new IOException("node " + owner + " answered " + code + " for " + path);
    }
}
