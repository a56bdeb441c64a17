package org.dftp.netty.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dftp.core.DfsPath;
import org.dftp.netty.HostPort;
import reactor.netty.http.client.HttpClient;

/**
 * Blocking streams of other nodes' files, from a given offset, fetched from the owner's public API
 * like the HTTP proxy does ({@code Range: bytes=offset-}, {@code redirN=1}). For front ends that do
 * blocking I/O on their own threads: FTP.
 */
public final class PeerFileStreams {
    static final long HEADERS_TIMEOUT_MILLIS = 30_000;
    static final long READ_TIMEOUT_MILLIS = 60_000;

    private final HttpClient client;
    private final PeerAddresses peers;

    public PeerFileStreams(HttpClient client, PeerAddresses peers) {
        this.client = client;
        this.peers = peers;
    }

    /**
     * Opens {@code path} as served by {@code owner}, starting at byte {@code offset}.
     *
     * @throws FileNotFoundException when the owner does not have it
     * @throws IOException when the owner is unknown, unreachable or answers with an error
     */
    public InputStream open(String owner, DfsPath path, long offset) throws IOException {
        HostPort addr = peers.publicAddress(owner);
        if (addr == null) {
            throw new IOException("node " + owner + ", the owner of " + path + ", is not a known peer");
        }
        String uri = "http://" + addr + "/fs" + RemoteFileProxy.encode(path) + "?redirN=1";
        RemoteInputStream in = new RemoteInputStream(READ_TIMEOUT_MILLIS);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        client.headers(h -> {
                    if (offset > 0) {
                        h.set(HttpHeaderNames.RANGE, "bytes=" + offset + "-");
                    }
                })
                .get()
                .uri(uri)
                .response((res, body) -> {
                    status.complete(res.status().code());
                    return body;
                })
                .doOnError(status::completeExceptionally)
                .subscribe(in.feed());
        int code;
        try {
            code = status.get(HEADERS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            in.close();
            throw new IOException("node " + owner + " did not answer: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            in.close();
            throw new IOException("node " + owner + " did not answer in " + HEADERS_TIMEOUT_MILLIS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            in.close();
            throw new IOException("interrupted", e);
        }
        if (code == 404) {
            in.close();
            throw new FileNotFoundException(path + " is not on node " + owner);
        }
        if (code == 416) {
            in.close();
            return InputStream.nullInputStream(); // offset at or past the end: nothing left to send
        }
        if (code != 200 && code != 206) {
            in.close();
            throw new IOException("node " + owner + " answered " + code + " for " + path);
        }
        if (code == 200 && offset > 0) {
            in.skipNBytes(offset); // the owner ignored the range: skip what the client already has
        }
        return in;
    }
}
