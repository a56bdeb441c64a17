package org.dftp.ftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dftp.core.DfsPath;

/**
 * Other nodes taking writes, in memory: records every call as a line ({@code upload beta /x keep=0
 * user=bob}), keeps each committed upload's bytes, and fails the next call as told.
 */
final class FakeRemoteWrites implements RemoteWrites {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> uploaded = new ConcurrentHashMap<>();
    private final List<String> aborted = new CopyOnWriteArrayList<>();
    private volatile IOException failure;

    List<String> calls() {
        return calls;
    }

    /** The bytes of the committed upload to {@code path} on {@code owner}, or null. */
    byte[] uploaded(String owner, String path) {
        return uploaded.get(owner + ":" + DfsPath.of(path));
    }

    List<String> aborted() {
        return aborted;
    }

    /** The next call (for an upload: its commit) fails with {@code e}. */
    void failNext(IOException e) {
        failure = e;
    }

    private void maybeFail() throws IOException {
        IOException e = failure;
        if (e != null) {
            failure = null;
            throw e;
        }
    }

    @Override
    public UploadStream upload(String owner, DfsPath path, long keep, String user) {
        calls.add("upload " + owner + " " + path + " keep=" + keep + " user=" + user);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return new UploadStream() {
            private boolean ended;

            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (ended) {
                    return;
                }
                ended = true;
                try {
                    maybeFail();
                } catch (IOException e) {
                    aborted.add(owner + ":" + path);
                    throw e;
                }
                uploaded.put(owner + ":" + path, bytes.toByteArray());
            }

            @Override
            public void abort() {
                if (!ended) {
                    ended = true;
                    aborted.add(owner + ":" + path);
                }
            }
        };
    }

    @Override
    public void mkdir(String owner, DfsPath path, String user) throws IOException {
        calls.add("mkdir " + owner + " " + path + " user=" + user);
        maybeFail();
    }

    @Override
    public void delete(String owner, DfsPath path, String user) throws IOException {
        calls.add("delete " + owner + " " + path + " user=" + user);
        maybeFail();
    }

    @Override
    public void move(String owner, DfsPath from, DfsPath to, String user) throws IOException {
        calls.add("move " + owner + " " + from + " " + to + " user=" + user);
        maybeFail();
    }

    @Override
    public void setModified(String owner, DfsPath path, long epochMillis, String user) throws IOException {
        calls.add("setModified " + owner + " " + path + " " + epochMillis + " user=" + user);
        maybeFail();
    }
}
