package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What "the cluster converged" means, checked over the nodes' public HTTP API only, so that nodes in
 * this JVM and nodes in other processes are held to the same assertions.
 */
final class ClusterChecks {
    /** A node as a client sees it: its name and public HTTP port (on 127.0.0.1). */
    record Endpoint(String name, int httpPort) {
        String url(String path) {
            return "http://127.0.0.1:" + httpPort + path;
        }
    }

    /** A row of the default listing page: name link, size, time, then the owner cell (with a title for {@code (multiple)}). */
    private static final Pattern ROW = Pattern.compile("^<tr><td><a href=\"([^\"]*)\">[^<]*</a><td[^>]*>[^<]*<td>[^<]*<td[^>]*>(\\S+)$");

    private ClusterChecks() {
    }

    /** Waits until {@code /find/} of every node lists exactly {@code expected}; fails naming the laggard. */
    static void awaitFind(List<Endpoint> nodes, Set<String> expected, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Endpoint n : nodes) {
            Set<String> listed = find(n);
            while (!listed.equals(expected)) {
                if (System.nanoTime() > deadline) {
                    Set<String> missing = new TreeSet<>(expected);
                    missing.removeAll(listed);
                    Set<String> extra = new TreeSet<>(listed);
                    extra.removeAll(expected);
                    fail(n.name() + "'s /find/ did not converge in " + timeout + ": missing " + missing
                            + ", unexpected " + extra);
                }
                Thread.sleep(20);
                listed = find(n);
            }
        }
    }

    /** The lines of {@code /find/}, which may end with {@code \n} or {@code \r\n}. */
    static Set<String> find(Endpoint n) throws IOException, InterruptedException {
        Set<String> lines = new TreeSet<>();
        for (String line : Web.text(n.url("/find/")).split("\r?\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * The owner column of every file as each node's HTML listing shows it: every node must show the
     * same owner, one of the nodes that hold the file. Returns path to owner.
     */
    static Map<String, String> ownersAgree(List<Endpoint> nodes, Trees trees) throws IOException, InterruptedException {
        Map<String, String> owners = new TreeMap<>();
        for (Endpoint n : nodes) {
            Map<String, Map<String, String>> listings = new HashMap<>();
            for (String path : trees.filePaths()) {
                int slash = path.lastIndexOf('/');
                String dir = slash < 0 ? "" : path.substring(0, slash + 1);
                String name = path.substring(slash + 1);
                Map<String, String> rows = listings.computeIfAbsent(dir, d -> listing(n, d));
                String owner = rows.get(name);
                assertTrue(owner != null, n.name() + " does not list " + path + " in /fs/" + dir + ": " + rows);
                String before = owners.putIfAbsent(path, owner);
                assertEquals(before == null ? owner : before, owner, "owner of " + path + " on " + n.name());
                assertTrue(trees.holders(path).contains(owner), path + " shown as " + owner + "'s");
            }
        }
        return owners;
    }

    /** The rows of the default HTML listing of {@code dir} ("" is the root, else ending with "/"): name to owner (HTML-escaped). */
    static Map<String, String> listing(Endpoint n, String dir) {
        try {
            String html = Web.text(n.url("/fs/" + encode(dir)));
            Map<String, String> rows = new LinkedHashMap<>();
            String table = html.substring(html.indexOf("<tbody>") + 7, html.indexOf("</tbody>"));
            for (String line : table.split("\n")) {
                Matcher m = ROW.matcher(line);
                if (m.matches() && !m.group(1).equals("../")) {
                    rows.put(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), m.group(2));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every file read from every node is byte for byte its owner's file. */
    static void readsMatchOwners(List<Endpoint> nodes, Trees trees, Map<String, String> owners)
            throws IOException, InterruptedException {
        for (Endpoint n : nodes) {
            for (String path : trees.filePaths()) {
                HttpResponse<byte[]> res = Web.get(n.url("/fs/" + encode(path)));
                assertEquals(200, res.statusCode(), "GET /fs/" + path + " from " + n.name());
                byte[] expected = trees.files.get(owners.get(path)).get(path);
                assertEquals(Web.sha256(expected), Web.sha256(res.body()),
                        "sha256 of " + path + " read from " + n.name() + " (owner " + owners.get(path) + ")");
            }
        }
    }

    /** A DFS path percent-encoded segment by segment (a trailing slash kept). */
    static String encode(String path) {
        StringBuilder b = new StringBuilder();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                b.append('/');
            }
            b.append(URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }
}
