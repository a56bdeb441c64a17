package org.dftp.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Stands in for an original Go node named {@code gb}: its management API records what it is sent
 * (greetings, updates) and answers as the original does; its public API serves files from a map, with
 * single ranges ({@code .txt} files chunked, without a length), and records the requests it gets. Both on 127.0.0.1.
 */
final class FakeGoNode implements AutoCloseable {
    /** One request as the fake received it. */
    record Received(String method, URI uri, Map<String, java.util.List<String>> headers, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            var v = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst();
            return v.map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /** How the fake answers the updates it is pushed: as the original does, with garbage, or not at all. */
    enum UpdateAnswer { OK, GARBAGE, HANG }

    final HttpServer mgmt;
    final HttpServer pub;
    volatile UpdateAnswer updateAnswer = UpdateAnswer.OK;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    /** The management API's own threads when it is concurrent; null otherwise. */
    private java.util.concurrent.ExecutorService threads;
    final BlockingQueue<Received> mgmtRequests = new LinkedBlockingQueue<>();
    final BlockingQueue<Received> publicRequests = new LinkedBlockingQueue<>();

    private FakeGoNode(HttpServer mgmt, HttpServer pub) {
        this.mgmt = mgmt;
        this.pub = pub;
    }

    /**
     * Binds the fake on the given ports (0: any).
     *
     * @param clusterInfo what {@code POST /cluster/} answers, given the fake itself
     * @param files the public files by DFS path
     * @throws BindException when a port is taken
     */
    static FakeGoNode start(int publicPort, int mgmtPort, Function<FakeGoNode, String> clusterInfo,
                            Map<String, byte[]> files) throws IOException {
        return start(publicPort, mgmtPort, clusterInfo, files, false);
    }

    /**
     * The same; {@code concurrent}: the management API answers each request on a thread of its own, so that
     * one held by {@link UpdateAnswer#HANG} does not hold up the pings behind it.
     */
    static FakeGoNode start(int publicPort, int mgmtPort, Function<FakeGoNode, String> clusterInfo,
                            Map<String, byte[]> files, boolean concurrent) throws IOException {
        HttpServer pub = HttpServer.create(new InetSocketAddress("127.0.0.1", publicPort), 16);
        HttpServer mgmt;
        try {
            mgmt = HttpServer.create(new InetSocketAddress("127.0.0.1", mgmtPort), 16);
        } catch (IOException e) {
            pub.stop(0);
            throw e;
        }
        FakeGoNode fake = new FakeGoNode(mgmt, pub);
        if (concurrent) {
            fake.threads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-gb-mgmt");
                t.setDaemon(true);
                return t;
            });
            mgmt.setExecutor(fake.threads);
        }
        mgmt.createContext("/", ex -> {
            Received r = fake.record(ex, fake.mgmtRequests);
            if (r.uri().getPath().equals("/update/")) {
                fake.answerUpdate(ex);
            } else {
                reply(ex, 200, "application/json", (clusterInfo.apply(fake) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        pub.createContext("/fs/", ex -> {
            fake.record(ex, fake.publicRequests);
            byte[] f = files.get(ex.getRequestURI().getPath().substring("/fs/".length()));
            if (f == null) {
                reply(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null && range.matches("bytes=\\d+-\\d+")) {
                String[] se = range.substring(6).split("-");
                int start = Integer.parseInt(se[0]);
                int end = Math.min(Integer.parseInt(se[1]), f.length - 1);
                ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + f.length);
                reply(ex, 206, "application/octet-stream", java.util.Arrays.copyOfRange(f, start, end + 1));
                return;
            }
            if (ex.getRequestURI().getPath().endsWith(".txt")) { // no length: the body goes out chunked
                ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int off = 0; off < f.length; off += 1000) {
                        out.write(f, off, Math.min(1000, f.length - off));
                        out.flush();
                    }
                }
                return;
            }
            reply(ex, 200, "image/jpeg", f);
        });
        mgmt.start();
        pub.start();
        return fake;
    }

    private void answerUpdate(HttpExchange ex) throws IOException {
        switch (updateAnswer) {
            case GARBAGE -> reply(ex, 200, "application/json",
                    "{\"Files\":[[[\u0000\ufffd garbage".getBytes(StandardCharsets.UTF_8));
            case HANG -> {
                try {
                    closed.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.close();
            }
            default -> reply(ex, 200, "text/plain; charset=utf-8", "ok".getBytes(StandardCharsets.UTF_8));
        }
    }

    int publicPort() {
        return pub.getAddress().getPort();
    }

    int mgmtPort() {
        return mgmt.getAddress().getPort();
    }

    private Received record(HttpExchange ex, BlockingQueue<Received> into) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        Received r = new Received(ex.getRequestMethod(), ex.getRequestURI(), Map.copyOf(ex.getRequestHeaders()), body);
        into.add(r);
        return r;
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        mgmt.stop(0);
        if (threads != null) {
            threads.shutdownNow();
        }
        pub.stop(0);
    }
}
