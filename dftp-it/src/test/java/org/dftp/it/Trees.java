package org.dftp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The three local trees of the cluster tests. They overlap: {@code dup.txt} is on every node with
 * different bytes, {@code docs/readme.txt} on n1 and n2, and {@code shared/} holds a file of each node
 * (its listing row says {@code (multiple)}); {@code only1/} is n1's alone, {@code empty3/} an empty
 * directory of n3. Names with spaces and non-ASCII letters included.
 */
final class Trees {
    static final List<String> NODES = List.of("n1", "n2", "n3");

    /** The files of each node: node name, then DFS path (no leading slash), then the bytes. */
    final Map<String, Map<String, byte[]>> files = new LinkedHashMap<>();
    final Map<String, Path> roots = new LinkedHashMap<>();

    private Trees() {
    }

    /** Writes the three trees under {@code base}/n1, n2, n3. */
    static Trees write(Path base) throws IOException {
        Trees t = new Trees();
        t.node(base, "n1", Map.of(
                "a1.txt", text("alpha one\n"),
                "dup.txt", text("dup.txt as n1 has it\n"),
                "docs/readme.txt", text("readme of n1\n"),
                "shared/from-n1.bin", random(200_000, 1),
                "only1/deep/er/f.dat", random(10, 2),
                "sp ace/\u00e9t\u00e9 n1.txt", text("\u00e9t\u00e9\n")));
        t.node(base, "n2", Map.of(
                "b2.txt", text("beta two\n"),
                "dup.txt", text("dup.txt as n2 has it, a little longer\n"),
                "docs/readme.txt", text("readme of n2, not n1\n"),
                "shared/from-n2.bin", random(1_500_000, 3),
                "empty.bin", new byte[0]));
        t.node(base, "n3", Map.of(
                "c3.txt", text("gamma three\n"),
                "dup.txt", text("n3's dup\n"),
                "shared/from-n3.bin", random(3 * 1024 * 1024 + 5, 4),
                "shared/sub/n3.txt", text("below shared\n")));
        Files.createDirectories(t.roots.get("n3").resolve("empty3"));
        return t;
    }

    private void node(Path base, String name, Map<String, byte[]> content) throws IOException {
        Path root = Files.createDirectories(base.resolve(name));
        roots.put(name, root);
        Map<String, byte[]> mine = new LinkedHashMap<>();
        for (var e : content.entrySet()) {
            Path f = root.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
            mine.put(e.getKey(), e.getValue());
        }
        files.put(name, mine);
    }

    /** Every entry of the whole DFS as {@code /find/} lists it: files and directories, leading slash. */
    Set<String> findSet() {
        Set<String> all = new TreeSet<>();
        for (Map<String, byte[]> node : files.values()) {
            for (String path : node.keySet()) {
                String p = "/" + path;
                all.add(p);
                for (int i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
                    all.add(p.substring(0, i));
                }
            }
        }
        all.add("/empty3");
        return all;
    }

    /** Every file path of the DFS (no leading slash). */
    Set<String> filePaths() {
        Set<String> all = new TreeSet<>();
        files.values().forEach(m -> all.addAll(m.keySet()));
        return all;
    }

    /** The nodes that hold {@code path}. */
    Set<String> holders(String path) {
        Set<String> h = new TreeSet<>();
        files.forEach((node, m) -> {
            if (m.containsKey(path)) {
                h.add(node);
            }
        });
        return h;
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
