package org.dftp.netty.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.dftp.core.DfsPath;
import org.dftp.core.write.WriteException;
import org.dftp.ftp.OwnerUnavailableException;
import org.dftp.ftp.RemoteWrites;
import org.dftp.ftp.UploadStream;
import org.dftp.netty.HostPort;

/**
 * FTP's writes to files of other nodes, forwarded to the owner's public HTTP API with blocking HTTP/1.1 on a
 * socket of its own per write, as {@link PeerFileStreams} reads: FTP sessions run on threads of their own,
 * and an upload's bytes go from the FTP data connection to the owner's socket on the session's thread.
 *
 * <h2>What is sent</h2>
 *
 * Every request is one HTTP/1.1 request on a new connection to the owner's public address
 * ({@link PeerAddresses}), with these headers in this order:
 * <pre>
 * METHOD /fs/&lt;path&gt;?redirN=1 HTTP/1.1
 * Host: &lt;owner's host:port&gt;
 * User-Agent: dftp-ftp
 * Connection: close
 * X-Dftp-User: &lt;FTP user name, UTF-8&gt;
 * </pre>
 * {@code <path>} is the DFS path, each segment percent-encoded as {@code RemoteFileProxy} encodes it
 * (everything but {@code A-Z a-z 0-9 - . _ ~}, as UTF-8 bytes). {@code redirN=1} tells the owner that the
 * request was forwarded once: it carries it out itself. {@code X-Dftp-User} names the user this node
 * authenticated and vouches for. Then, by operation:
 * <ul>
 *   <li>upload ({@code STOR}, {@code APPE}, {@code REST}+{@code STOR}): {@code PUT}, then
 *       {@code X-Dftp-Keep: <n>} when the new file keeps the first {@code n} bytes of the current one
 *       (absent for a new content), then {@code Transfer-Encoding: chunked}; the body is the uploaded bytes
 *       in chunks of at most {@value #CHUNK} bytes as they arrive, ended by the zero chunk. An upload that
 *       fails or is cut off on the FTP side is never ended: its connection is reset instead, and the owner
 *       must drop it.</li>
 *   <li>{@code MKD}: {@code MKCOL}, {@code Content-Length: 0}.</li>
 *   <li>{@code DELE}, {@code RMD}: {@code DELETE}, {@code Content-Length: 0}.</li>
 *   <li>{@code RNFR}/{@code RNTO}: {@code MOVE} of the source, {@code Destination: /fs/<to>} (encoded as the
 *       path), {@code Overwrite: T}, {@code Content-Length: 0}.</li>
 *   <li>{@code MFMT}: {@code PROPPATCH}, {@code Content-Type: application/xml; charset=utf-8},
 *       {@code Content-Length}, and the body {@value #PROPPATCH_START}<i>date</i>{@value #PROPPATCH_END}
 *       with the date in RFC 1123 form ({@code Tue, 14 Nov 2023 22:13:20 GMT}).</li>
 * </ul>
 *
 * <h2>What the answer means</h2>
 *
 * Any {@code 2xx} is success ({@code 201}, {@code 204}; a {@code 207} only when no status in its body is
 * an error). Otherwise the status and the first line of the text body become a
 * {@link WriteException} whose kind FTP answers with: {@code 400} bad name ({@code 553}), {@code 403}
 * forbidden, {@code 404} not found, {@code 409} conflict, {@code 412} exists (all {@code 550}),
 * {@code 413} too large and {@code 507} no space ({@code 552}), {@code 405} and {@code 501} forbidden (the
 * owner takes no writes); {@code 502}, {@code 503}, {@code 504}, a connection refused or timed out, and a
 * connection that ends before an answer are an {@link OwnerUnavailableException} ({@code 451}); anything
 * else an I/O error ({@code 451}).
 */
public final class PeerWrites implements RemoteWrites {
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** The owner answers an upload after its fsync and rename and once its store has the file. */
    static final int ANSWER_TIMEOUT_MILLIS = 60_000;
    /** Most bytes per chunk of an upload's body. */
    static final int CHUNK = 64 * 1024;
    /** Most bytes of an answer's body that are read: the owner sends one line of text. */
    static final int MAX_ANSWER_BODY = 8 * 1024;
    static final int MAX_HEAD = 16 * 1024;

    static final String PROPPATCH_START = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propertyupdate "
            + "xmlns:D=\"DAV:\"><D:set><D:prop><D:getlastmodified>";
    static final String PROPPATCH_END = "</D:getlastmodified></D:prop></D:set></D:propertyupdate>";
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Function<String, HostPort> addresses;
    /** Signs each request in a cluster with a secret; null without one. */
    private final org.dftp.netty.http.HopSignature hop;
    private final int answerTimeoutMillis;
    private final org.dftp.netty.tls.PeerTls tls;

    /** @param peers where each peer's public API is */
    public PeerWrites(PeerAddresses peers) {
        this(peers, null, null);
    }

    /**
     * @param tls TLS to the owners ({@code -peer-tls}), or null
     * @param hop signs every request to an owner and the user it vouches for, in a cluster with a secret;
     *            null without one
     */
    public PeerWrites(PeerAddresses peers, org.dftp.netty.tls.PeerTls tls, org.dftp.netty.http.HopSignature hop) {
        this(peers::publicAddress, ANSWER_TIMEOUT_MILLIS, tls, hop);
    }

    /** @param addresses the public {@code host:port} of a node, or null when it is unknown */
    PeerWrites(Function<String, HostPort> addresses, int answerTimeoutMillis) {
        this(addresses, answerTimeoutMillis, null, null);
    }

    PeerWrites(Function<String, HostPort> addresses, int answerTimeoutMillis, org.dftp.netty.tls.PeerTls tls,
               org.dftp.netty.http.HopSignature hop) {
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        this.answerTimeoutMillis = answerTimeoutMillis;
        this.tls = tls;
        this.hop = hop;
    }

    @Override
    public UploadStream upload(String owner, DfsPath path, long keep, String user) throws IOException {
        if (keep < 0) {
            throw new IllegalArgumentException("negative keep " + keep);
        }
        checkUser(user);
        Connection c = connect(owner);
        try {
            StringBuilder head = c.head("PUT", target(path), user);
            if (keep > 0) {
                head.append("X-Dftp-Keep: ").append(keep).append("\r\n");
            }
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            c.out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            return new ChunkedUpload(c, owner, path);
        } catch (IOException e) {
            c.reset();
            throw unavailable(owner, "did not take the upload of " + path, e);
        }
    }

    @Override
    public void mkdir(String owner, DfsPath path, String user) throws IOException {
        call(owner, "MKCOL", path, user, "", null);
    }

    @Override
    public void delete(String owner, DfsPath path, String user) throws IOException {
        call(owner, "DELETE", path, user, "", null);
    }

    @Override
    public void move(String owner, DfsPath from, DfsPath to, String user) throws IOException {
        call(owner, "MOVE", from, user, "Destination: " + fsPath(to) + "\r\nOverwrite: T\r\n", null);
    }

    @Override
    public void setModified(String owner, DfsPath path, long epochMillis, String user) throws IOException {
        String body = PROPPATCH_START + httpDate(epochMillis) + PROPPATCH_END;
        call(owner, "PROPPATCH", path, user, "Content-Type: application/xml; charset=utf-8\r\n", body);
    }

    /** An HTTP date, as {@code getlastmodified} carries it: {@code Tue, 14 Nov 2023 22:13:20 GMT}. */
    static String httpDate(long epochMillis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** {@code /fs/<path>?redirN=1}, each segment percent-encoded. */
    static String target(DfsPath path) {
        return fsPath(path) + "?redirN=1";
    }

    /** {@code /fs/<path>}, each segment percent-encoded. */
    static String fsPath(DfsPath path) {
        return "/fs" + (path.isRoot() ? "/" : RemoteFileProxy.encode(path));
    }

    /** A user name goes into a header line: nothing in it may end the line. */
    private static void checkUser(String user) {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty() || user.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new IllegalArgumentException("user name '" + user + "' cannot be sent in a header");
        }
    }

    /** One request without a streamed body, and its answer checked. */
    private void call(String owner, String method, DfsPath path, String user, String headers, String body)
            throws IOException {
        checkUser(user);
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        Connection c = connect(owner);
        try {
            StringBuilder head = c.head(method, target(path), user).append(headers)
                    .append("Content-Length: ").append(content.length).append("\r\n\r\n");
            c.out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            c.out.write(content);
            c.out.flush();
            Answer a = c.answer();
            a.check(owner, method + " " + path);
        } catch (WriteException | OwnerUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw unavailable(owner, "gave no answer to " + method + " " + path, e);
        } finally {
            c.close();
        }
    }

    private Connection connect(String owner) throws OwnerUnavailableException {
        HostPort addr = addresses.apply(owner);
        if (addr == null) {
            throw new OwnerUnavailableException("node " + owner + " is not a known peer");
        }
        InetSocketAddress address = addr.host().isEmpty()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), addr.port())
                : new InetSocketAddress(addr.host(), addr.port());
        if (address.isUnresolved()) {
            throw new OwnerUnavailableException("node " + owner + ": cannot resolve " + addr.host());
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(answerTimeoutMillis);
            return new Connection(tls == null ? socket : tls.wrap(socket, address.getHostString(), address.getPort()), addr);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was sent
            }
            throw unavailable(owner, "cannot be reached at " + addr, e);
        }
    }

    private static OwnerUnavailableException unavailable(String owner, String what, IOException e) {
        if (e instanceof OwnerUnavailableException u) {
            return u;
        }
        return new OwnerUnavailableException("node " + owner + " " + what + ": " + e.getMessage(), e);
    }

    /** The status of an answer as a failure, or null for success. */
    static IOException failure(int status, String text, String owner, String what) {
        if (status >= 200 && status < 300) {
            return null;
        }
        String why = "node " + owner + " refused " + what + " (" + status + (text.isEmpty() ? ")" : "): " + text);
        return switch (status) {
            case 400 -> new WriteException(WriteException.Kind.BAD_NAME, why);
            case 403, 405, 501 -> new WriteException(WriteException.Kind.FORBIDDEN, why);
            case 404 -> new WriteException(WriteException.Kind.NOT_FOUND, why);
            case 409 -> new WriteException(WriteException.Kind.CONFLICT, why);
            case 412 -> new WriteException(WriteException.Kind.EXISTS, why);
            case 413 -> new WriteException(WriteException.Kind.TOO_LARGE, why);
            case 507 -> new WriteException(WriteException.Kind.NO_SPACE, why);
            case 502, 503, 504 -> new OwnerUnavailableException(why);
            default -> new WriteException(WriteException.Kind.IO, why);
        };
    }

    /** One connection to an owner: a request out, one answer in. */
    private final class Connection {
        final Socket socket;
        final HostPort addr;
        final OutputStream out;
        final InputStream in;

        Connection(Socket socket, HostPort addr) throws IOException {
            this.socket = socket;
            this.addr = addr;
            this.out = socket.getOutputStream();
            this.in = socket.getInputStream();
        }

        StringBuilder head(String method, String target, String user) {
            StringBuilder b = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(addr).append("\r\n")
                    .append("User-Agent: dftp-ftp\r\n")
                    .append("Connection: close\r\n")
                    .append("X-Dftp-User: ").append(user).append("\r\n");
            if (hop != null) {
                b.append(org.dftp.netty.http.HopSignature.HEADER).append(": ")
                        .append(hop.sign(method, target, org.dftp.netty.http.HopSignature.wireForm(user)))
                        .append("\r\n");
            }
            return b;
        }

        Answer answer() throws IOException {
            return Answer.read(in);
        }

        /** Whether the owner has started to answer (before the request ended: a refusal). */
        boolean answered() {
            try {
                return in.available() > 0;
            } catch (IOException e) {
                return false;
            }
        }

        /** Ends the connection with a reset, so that an unfinished upload can never pass for a whole one. */
        void reset() {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                // closed already
            }
            close();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to lose
            }
        }
    }

    /** A status and the first line of its text. */
    record Answer(int status, String text) {
        void check(String owner, String what) throws IOException {
            IOException e = failure(status == 207 && multiStatusFailed(text) ? 500 : status, firstLine(text), owner,
                    what);
            if (e != null) {
                throw e;
            }
        }

        private static boolean multiStatusFailed(String body) {
            int i = 0;
            while ((i = body.indexOf("HTTP/1.", i)) >= 0) {
                int code = body.indexOf(' ', i);
                if (code < 0 || code + 1 >= body.length() || body.charAt(code + 1) != '2') {
                    return true;
                }
                i = code;
            }
            return false;
        }

        private static String firstLine(String body) {
            String line = body.strip();
            int nl = line.indexOf('\n');
            if (nl >= 0) {
                line = line.substring(0, nl).strip();
            }
            StringBuilder b = new StringBuilder(Math.min(line.length(), 200));
            line.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
            return b.toString();
        }

        /** Reads a response: status line, headers, and up to {@value #MAX_ANSWER_BODY} bytes of its body. */
        static Answer read(InputStream in) throws IOException {
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            if (!lines[0].startsWith("HTTP/1.") || lines[0].length() < 12 || lines[0].charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x answer");
            }
            int status;
            try {
                status = Integer.parseInt(lines[0].substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("bad status line");
            }
            long length = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length");
                    }
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            byte[] body;
            try {
                body = chunked ? dechunk(in) : length >= 0 ? in.readNBytes((int) Math.min(length, MAX_ANSWER_BODY))
                        : in.readNBytes(MAX_ANSWER_BODY);
            } catch (IOException e) {
                body = new byte[0]; // the status is what counts
            }
            return new Answer(status, new String(body, StandardCharsets.UTF_8));
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream(256);
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection ended before an answer");
                }
                head.write(b);
                matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
                if (head.size() > MAX_HEAD) {
                    throw new IOException("answer head longer than " + MAX_HEAD + " bytes");
                }
            }
            String s = head.toString(StandardCharsets.ISO_8859_1);
            return s.substring(0, s.length() - 4);
        }

        private static byte[] dechunk(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (body.size() < MAX_ANSWER_BODY) {
                StringBuilder size = new StringBuilder();
                for (int b = in.read(); b != '\n'; b = in.read()) {
                    if (b < 0 || size.length() > 32) {
                        return body.toByteArray();
                    }
                    size.append((char) b);
                }
                int semi = size.indexOf(";");
                int n;
                try {
                    n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).toString().trim(), 16);
                } catch (NumberFormatException e) {
                    return body.toByteArray();
                }
                if (n == 0) {
                    break;
                }
                body.write(in.readNBytes(Math.min(n, MAX_ANSWER_BODY)));
                in.readNBytes(2); // the chunk's CRLF
            }
            return body.toByteArray();
        }
    }

    /** An upload's body on its way to the owner, in chunks; its close ends the body and reads the answer. */
    private final class ChunkedUpload extends UploadStream {
        private final Connection c;
        private final String owner;
        private final DfsPath path;
        private final byte[] buffer = new byte[CHUNK];
        private int buffered;
        private boolean done;

        ChunkedUpload(Connection c, String owner, DfsPath path) {
            this.c = c;
            this.owner = owner;
            this.path = path;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                throw new IOException("the upload of " + path + " has ended");
            }
            while (len > 0) {
                if (buffered == 0 && len >= CHUNK) {
                    send(b, off, CHUNK);
                    off += CHUNK;
                    len -= CHUNK;
                    continue;
                }
                int n = Math.min(len, CHUNK - buffered);
                System.arraycopy(b, off, buffer, buffered, n);
                buffered += n;
                off += n;
                len -= n;
                if (buffered == CHUNK) {
                    send(buffer, 0, CHUNK);
                    buffered = 0;
                }
            }
        }

        private void send(byte[] b, int off, int len) throws IOException {
            if (c.answered()) {
                throw early(null); // the owner refused before the end of the body
            }
            try {
                c.out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                c.out.write(b, off, len);
                c.out.write('\r');
                c.out.write('\n');
            } catch (IOException e) {
                throw early(e);
            }
        }

        /** What to throw when the body could not go on: the owner's answer when it gave one, else unavailable. */
        private IOException early(IOException cause) {
            IOException failure;
            try {
                c.socket.setSoTimeout(1000);
                Answer a = c.answer();
                failure = failure(a.status, Answer.firstLine(a.text), owner, "the upload of " + path);
                if (failure == null) {
                    failure = new WriteException(WriteException.Kind.IO, "node " + owner
                            + " answered the upload of " + path + " before its end");
                }
            } catch (IOException e) {
                failure = unavailable(owner, "stopped taking the upload of " + path,
                        cause != null ? cause : e);
            }
            abort();
            return failure;
        }

        @Override
        public void close() throws IOException {
            if (done) {
                return;
            }
            try {
                if (buffered > 0) {
                    send(buffer, 0, buffered);
                    buffered = 0;
                }
                try {
                    c.out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    c.out.flush();
                } catch (IOException e) {
                    throw early(e);
                }
                Answer a;
                try {
                    a = c.answer();
                } catch (SocketTimeoutException e) {
                    throw new OwnerUnavailableException("node " + owner + " did not confirm the upload of "
                            + path + " within " + answerTimeoutMillis / 1000 + " s", e);
                } catch (IOException e) {
                    throw unavailable(owner, "gave no answer to the upload of " + path, e);
                }
                a.check(owner, "the upload of " + path);
                done = true;
                c.close();
            } finally {
                abort(); // nothing once the upload succeeded: done
            }
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            c.reset();
        }
    }
}
