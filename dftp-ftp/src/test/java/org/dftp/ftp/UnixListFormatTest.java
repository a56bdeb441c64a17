package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.ftpserver.ftplet.FtpException;
import org.dftp.core.tree.Offer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixListFormatTest {
    private static final long MTIME_MILLIS = TestDfs.MTIME * 1000;
    private static final long DAY = 24 * 3600 * 1000L;

    @TempDir
    Path dir;

    private DfsFileSystemView view() throws IOException {
        TestDfs dfs = new TestDfs(dir)
                .remote(TestDfs.PEER, "d/x.bin", new byte[1234])
                .offer(TestDfs.PEER, "d/odd", 0751, 7)
                .offer(TestDfs.PEER, "d/sub", Offer.MODE_DIR | 0700, 0);
        return (DfsFileSystemView) dfs.fileSystem().createFileSystemView(null);
    }

    @Test
    void recentEntriesShowTheTimeAndOldOnesTheYearInUtc() throws IOException, FtpException {
        DfsFtpFile file = view().getFile("d/x.bin");
        assertEquals("-rw-r-----   1 beta     dftp             1234 Nov 14 22:13 x.bin\r\n",
                UnixListFormat.line(file, MTIME_MILLIS + 30 * DAY));
        assertEquals("-rw-r-----   1 beta     dftp             1234 Nov 14  2023 x.bin\r\n",
                UnixListFormat.line(file, MTIME_MILLIS + 200 * DAY));
        assertEquals("-rw-r-----   1 beta     dftp             1234 Nov 14  2023 x.bin\r\n",
                UnixListFormat.line(file, MTIME_MILLIS - 200 * DAY), "the future too");
    }

    @Test
    void theModeShowsTheTypeAndTheOwnersPermissionBits() throws IOException, FtpException {
        DfsFileSystemView view = view();
        assertEquals("-rwxr-x--x", UnixListFormat.mode(view.getFile("d/odd")));
        assertEquals("drwx------", UnixListFormat.mode(view.getFile("d/sub")));
        assertEquals("drwxr-xr-x", UnixListFormat.mode(view.getFile("d")), "an implicit directory");
    }

    @Test
    void theStreamMakesEveryAcceptedLineWhateverTheReadSize() throws IOException, FtpException {
        List<DfsFtpFile> files = view().getFile("d").listFiles();
        String all;
        try (InputStream in = UnixListFormat.stream(files, f -> true, MTIME_MILLIS)) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder bytewise = new StringBuilder();
        try (InputStream in = UnixListFormat.stream(files, f -> !f.getName().equals("odd"), MTIME_MILLIS)) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                bytewise.append((char) b);
            }
        }
        assertEquals(3, all.split("\r\n").length);
        assertEquals(all.replaceAll("(?m)^.* odd\r\n", ""), bytewise.toString());
    }
}
