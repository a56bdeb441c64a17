package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default listing page as a real browser sees it: headless Chromium on a started node dumps the DOM
 * it built (rows, breadcrumbs, total) and takes screenshots at a desktop and a phone width, light and
 * dark. Skips where no Chromium is installed ({@code apt-get install chromium}; {@code .ci/run} installs it).
 */
@ExtendWith(NettyLeaks.class)
@Timeout(180)
class ListingBrowserTest {
    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome");
    private static final String LONG_NAME = "a-rather-long-file-name-without-any-space-that-must-wrap-and-not-push-"
            + "the-other-columns-out-of-the-window.tar.gz";

    @TempDir
    static Path dir;
    private static Path browser;
    private static DftpNode node;

    @BeforeAll
    static void start() throws IOException {
        browser = BROWSERS.stream().map(LitmusTest::onPath).filter(p -> p != null).findFirst().orElse(null);
        Assumptions.assumeTrue(browser != null, "none of " + BROWSERS + " is on the PATH (apt-get install chromium): skipping");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("docs/old"));
        Files.writeString(root.resolve("docs/readme.txt"), "read me\n");
        Files.write(root.resolve("docs/manual.pdf"), new byte[150_000]);
        Files.writeString(root.resolve("docs/<script>alert(1)<i> & \"quoted\" 100% é.txt"), "x");
        Files.writeString(root.resolve("docs/" + LONG_NAME), "y");
        Files.writeString(root.resolve("top.txt"), "top\n");
        node = DftpNode.start(NodeConfig.defaults("ga", root)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theDomHasTheRowsTheBreadcrumbsAndTheTotal() throws Exception {
        // A row ends with a newline, which the browser keeps in its last cell.
        String dom = run("--dump-dom", url("/fs/docs/")).replace("\n</td>", "</td>");
        // The browser closed every cell and row the page leaves open.
        assertTrue(dom.contains("<tr><td><a href=\"../\">../</a></td><td></td><td></td><td></td></tr>"), dom);
        assertTrue(dom.contains("<tr><td><a href=\"old/\">old/</a></td><td>-</td>"), dom);
        assertTrue(dom.contains("<tr><td><a href=\"manual.pdf\">manual.pdf</a></td>"
                + "<td title=\"150000 bytes\">146.5 KiB</td>"), dom);
        assertTrue(dom.contains("<td>ga</td></tr>"), dom);
        assertTrue(dom.contains("<a href=\"%3Cscript%3Ealert%281%29%3Ci%3E%20%26%20%22quoted%22%20100%25%20%C3%A9.txt\">"
                + "&lt;script&gt;alert(1)&lt;i&gt; &amp; \"quoted\" 100% é.txt</a>"), "escaped: " + dom);
        assertEquals(0, count(dom, "<script") + count(dom, "<i>"), "no element made of a name: " + dom);
        assertEquals(7, count(dom, "<tr>"), "the header row, ../, old/ and four files: " + dom);
        assertTrue(dom.contains("<h1 id=\"crumbs\"><a href=\"../\">/</a><span aria-current=\"page\">docs</span>/</h1>"), dom);
        String deeper = run("--dump-dom", url("/fs/docs/old/")).replace("\n</td>", "</td>");
        assertTrue(deeper.contains("<h1 id=\"crumbs\"><a href=\"../../\">/</a><a href=\"../\">docs</a>/"
                + "<span aria-current=\"page\">old</span>/</h1>"), deeper);
        assertTrue(deeper.contains("<p id=\"total\">0 files, 0 directories,"), deeper);
        assertTrue(dom.contains("<p id=\"total\">4 files, 1 directory, <span title=\"150010 bytes\">146.5 KiB</span> in files</p>"), dom);
        assertTrue(dom.contains("<th aria-sort=\"ascending\"><a href=\"?sort=name&amp;order=desc\">Name \u2191</a></th>"), dom);
    }

    @Test
    void screenshotsAtADesktopAndAPhoneWidthInLightAndDark() throws Exception {
        for (int width : new int[] {1200, 400}) {
            for (boolean dark : new boolean[] {false, true}) {
                Path png = dir.resolve("docs-" + width + (dark ? "-dark" : "") + ".png");
                List<String> args = new ArrayList<>(List.of("--screenshot=" + png, "--window-size=" + width + ",800",
                        "--hide-scrollbars"));
                if (dark) {
                    args.add("--force-dark-mode");
                }
                args.add(url("/fs/docs/"));
                run(args.toArray(String[]::new));
                assertTrue(Files.isRegularFile(png), png + " was not written");
                assertTrue(Files.size(png) > 10_000, png + ": " + Files.size(png) + " bytes, too few for a page of rows");
                BufferedImage image = ImageIO.read(png.toFile());
                assertEquals(width, image.getWidth(), png.toString());
                assertEquals(800, image.getHeight(), png.toString());
                assertTrue(colours(image) > 50, png + " shows text, not a blank: " + colours(image) + " colours");
                int corner = luminance(image.getRGB(2, image.getHeight() - 3));
                assertTrue(dark ? corner < 60 : corner > 200, png + ": background luminance " + corner);
            }
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + node.httpPort() + path;
    }

    /** Runs the browser headless with its own profile, and returns what it printed on its standard output. */
    private static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("browser.err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out\n" + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + Files.readString(err));
        return out;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    private static int luminance(int rgb) {
        return (int) (0.2126 * ((rgb >> 16) & 255) + 0.7152 * ((rgb >> 8) & 255) + 0.0722 * (rgb & 255));
    }

    static {
        // ImageIO needs no display.
        System.setProperty("java.awt.headless", "true");
    }
}
