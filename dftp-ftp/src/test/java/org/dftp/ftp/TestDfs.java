package org.dftp.ftp;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalScanner;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.core.write.LocalWrites;

/**
 * A small cluster for tests: node {@value #NODE} with its files on disk under a temporary directory,
 * other nodes with theirs in a {@link FakeRemoteFiles}, and the DFS tree that their offers make.
 */
final class TestDfs {
    static final String NODE = "alpha";
    static final String PEER = "beta";
    /** 2023-11-14 22:13:20 UTC, the modification time of every test file. */
    static final long MTIME = 1_700_000_000L;

    final Path dir;
    final LocalRoot localRoot;
    final FakeRemoteFiles remote = new FakeRemoteFiles();
    private volatile DfsTree tree = DfsTree.EMPTY;

    TestDfs(Path dir) throws IOException {
        this.dir = dir;
        this.localRoot = LocalRoot.of(dir, DfsPath.ROOT);
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code size} bytes that differ at every offset often enough to catch a wrong resume point. */
    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A file of this node: written to disk and offered in the tree. */
    TestDfs local(String path, byte[] content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return offer(NODE, path, 0644, content.length);
    }

    /** A file of another node, with its bytes in the fake peer client. */
    TestDfs remote(String owner, String path, byte[] content) {
        remote.put(owner, DfsPath.of(path), content);
        return offer(owner, path, 0640, content.length);
    }

    /** A file of another node whose stream lends its bytes as buffers, as the node's peer client does. */
    TestDfs remoteLent(String owner, String path, byte[] content) {
        remote.putLent(owner, DfsPath.of(path), content);
        return offer(owner, path, 0640, content.length);
    }

    /** A file of this node of {@code size} zero bytes that take no disk: for transfers a client stalls. */
    TestDfs localSparse(String path, long size) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return offer(NODE, path, 0644, size);
    }

    /** A file of another node that never ends in practice: for clients that give up mid-transfer. */
    TestDfs endless(String owner, String path, long length) {
        remote.putEndless(owner, DfsPath.of(path), length);
        return offer(owner, path, 0644, length);
    }

    /** An explicit (possibly empty) directory offered by {@code owner}. */
    TestDfs dir(String owner, String path) {
        return offer(owner, path, Offer.MODE_DIR | 0755, 0);
    }

    TestDfs offer(String owner, String path, int mode, long size) {
        tree = tree.apply(List.of(Change.offer(DfsPath.of(path), Offer.of(owner, mode, size, MTIME, 1))));
        return this;
    }

    TestDfs withdraw(String owner, String path) {
        tree = tree.apply(List.of(Change.withdraw(DfsPath.of(path), owner)));
        return this;
    }

    DfsTree tree() {
        return tree;
    }

    /** The latest tree, as a running node's store hands it out. */
    Supplier<DfsTree> snapshots() {
        return () -> tree;
    }

    /**
     * Writes to this node's disk that settle into this tree as a node's store would: each change rescans the
     * local tree and makes it this node's offers (with the disk's times, not {@link #MTIME}).
     */
    LocalWrites writes() {
        return new LocalWrites(localRoot, changed -> rescan());
    }

    /** This node's offers replaced by what its disk holds now. */
    synchronized void rescan() {
        DfsTree own = new LocalScanner(localRoot, NODE).scan(System.currentTimeMillis() / 1000).tree();
        tree = tree.replaceOwner(NODE, own);
    }

    DfsFileSystemFactory fileSystem() {
        return new DfsFileSystemFactory(NODE, snapshots(), localRoot, remote);
    }
}
