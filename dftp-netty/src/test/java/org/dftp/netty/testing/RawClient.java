package org.dftp.netty.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain socket speaking HTTP/1.1 by hand, for what HTTP clients will not do: pipelining, malformed
 * requests, raw bytes in the request line, reading slowly. Every read has a timeout, so a server that
 * hangs fails the test instead of stalling the build.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        this(port, 0, 10_000);
    }

    /**
     * @param receiveBuffer the socket's receive buffer in bytes, or 0 for the default; a small one makes a slow reader
     * @param timeoutMillis how long one read may block
     */
    public RawClient(int port, int receiveBuffer, int timeoutMillis) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
    }

    /** Sends raw bytes, each char one byte (ISO-8859-1). */
    public RawClient send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Sends {@code METHOD uri HTTP/1.1} with a Host header and the given header lines. */
    public RawClient request(String method, String uri, String... headerLines) throws IOException {
        StringBuilder b = new StringBuilder(method).append(' ').append(uri).append(" HTTP/1.1\r\nHost: test\r\n");
        for (String h : headerLines) {
            b.append(h).append("\r\n");
        }
        return send(b.append("\r\n").toString());
    }

    /** The next response, or null when the server closed the connection before one began. */
    public RawResponse read(String method) throws IOException {
        return RawResponse.read(in, method);
    }

    /** The status line and headers of the next response; its body is left in {@link #input()}. */
    public RawResponse readHead() throws IOException {
        return RawResponse.readHead(in);
    }

    public InputStream input() {
        return in;
    }

    /** Whether the server closed the connection: reads until end of stream or the timeout; true on EOF or reset. */
    public boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever is left
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
