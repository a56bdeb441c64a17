package org.dftp.netty.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;

/**
 * The HTML listing a browser gets by default: a small page with its CSS inline and nothing else to load
 * (no script, font or image), written piece by piece into the caller's builder so that
 * {@link ListingBody} streams it as it streams the original's page. The head, under 10 KB, holds the
 * style, the breadcrumbs, a search form for {@code /find/} below this directory and the column headers,
 * each a plain link that sorts with {@code ?sort=&order=}; a row is one line of table cells without their
 * optional end tags; the foot counts the files and directories shown and adds up the files' sizes.
 *
 * <p>Every link is relative, so the page works behind a proxy that mounts it elsewhere. No row links an
 * alternate of its file: a client that follows every link ({@code wget -r}) fetches each file once.
 */
final class ListingPage {
    /** Shown in the owner column for a directory whose entries several nodes hold (see {@link DfsNode#MULTIPLE_OWNERS}). */
    static final String MULTIPLE_TITLE = "several nodes hold entries of this directory";

    private static final DateTimeFormatter ROW_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final String[] COLUMNS = {"name", "Name", "size", "Size", "mtime", "Modified (UTC)"};

    private static final String STYLE = ":root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--mu:#59636e;"
            + "--ln:#d8dee4;--a:#0969da;--hv:#f6f8fa}"
            + "@media(prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--mu:#9198a1;--ln:#30363d;"
            + "--a:#4493f8;--hv:#161b22}}"
            + "*{box-sizing:border-box}"
            + "body{margin:0 auto;max-width:75em;padding:1em;font:15px/1.45 system-ui,-apple-system,"
            + "\"Segoe UI\",Roboto,sans-serif;color:var(--fg);background:var(--bg)}"
            + "a{color:var(--a);text-decoration:none}a:hover{text-decoration:underline}"
            + "h1{font-size:1.3em;font-weight:600;margin:0 0 .6em;overflow-wrap:anywhere}"
            + "h1 a{padding:0 .1em}"
            + "form{display:flex;gap:.5em;margin:0 0 1em}"
            + "input,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--ln);"
            + "border-radius:6px;padding:.3em .6em}"
            + "input{flex:1;min-width:0}button{background:var(--hv);cursor:pointer}"
            + "table{width:100%;border-collapse:collapse;table-layout:fixed}"
            + "th,td{padding:.3em .5em;text-align:left;vertical-align:top;border-bottom:1px solid var(--ln)}"
            + "th{font-weight:600;white-space:nowrap;color:var(--mu)}th a{color:inherit}th[aria-sort] a{color:var(--fg)}"
            + "tbody tr:hover{background:var(--hv)}"
            + "td:first-child{overflow-wrap:anywhere}"
            + "td:first-child a[href$=\"/\"]{font-weight:600}"
            + "th:nth-child(2){width:6.5em}th:nth-child(3){width:10.5em}th:nth-child(4){width:8em}"
            + "th:nth-child(2),td:nth-child(2){text-align:right}"
            + "td:nth-child(n+2){white-space:nowrap;font-variant-numeric:tabular-nums;color:var(--mu)}"
            + "td:nth-child(4){overflow:hidden;text-overflow:ellipsis}"
            + "td[title]:nth-child(4){text-decoration:underline dotted;cursor:help}"
            + "p{color:var(--mu);margin:.8em .5em}"
            + "@media(max-width:40em){body{padding:.5em;font-size:14px}th,td{padding:.3em .25em}"
            + "th{white-space:normal}th:nth-child(2){width:5.2em}th:nth-child(3){width:6.6em}th:nth-child(4){width:4.5em}"
            + "td:nth-child(3){white-space:normal}}";

    private ListingPage() {
    }

    /** Everything before the first row: style, breadcrumbs, search form, column headers, and {@code ../} but at the root. */
    static void head(StringBuilder b, DfsPath dir, ListingOrder order) {
        String shown = UrlPaths.escape(dir.toString());
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Index of ")
                .append(shown).append("</title><style>").append(STYLE).append("</style></head><body><h1 id=\"crumbs\">");
        crumbs(b, dir);
        String up = "../".repeat(dir.depth());
        b.append("</h1><form action=\"").append(up).append("../find/\" method=\"get\" role=\"search\">");
        if (!dir.isRoot()) {
            b.append("<input type=\"hidden\" name=\"prefix\" value=\"").append(shown).append("\">");
        }
        b.append("<input type=\"search\" name=\"q\" placeholder=\"Find below ").append(shown)
                .append(": *.txt, **/report-?.pdf, {a,b}*\" aria-label=\"glob to find below this directory\">"
                        + "<button>Find</button></form><table><thead><tr>");
        for (int i = 0; i < COLUMNS.length; i += 2) {
            header(b, COLUMNS[i], COLUMNS[i + 1], order);
        }
        b.append("<th>Owner node</th></tr></thead><tbody>\n");
        if (!dir.isRoot()) {
            b.append("<tr><td><a href=\"../\">../</a><td><td><td>\n");
        }
    }

    /** The root as {@code /}, each ancestor a relative link, the directory itself as text. */
    private static void crumbs(StringBuilder b, DfsPath dir) {
        int depth = dir.depth();
        if (depth == 0) {
            b.append("<a href=\"./\">/</a>");
            return;
        }
        b.append("<a href=\"").append("../".repeat(depth)).append("\">/</a>");
        for (int i = 0; i < depth; i++) {
            String name = UrlPaths.escape(dir.segment(i));
            if (i == depth - 1) {
                b.append("<span aria-current=\"page\">").append(name).append("</span>/");
            } else {
                b.append("<a href=\"").append("../".repeat(depth - 1 - i)).append("\">").append(name).append("</a>/");
            }
        }
    }

    /**
     * A column header linking to this listing sorted by {@code key}: ascending, or the other way round when
     * it is the current sort column, which is marked with {@code aria-sort} and an arrow. The default order,
     * by name ascending, is {@code ./} itself, so that the page has one address.
     */
    private static void header(StringBuilder b, String key, String label, ListingOrder order) {
        boolean current = order.key().equals(key);
        boolean descending = current && !order.descending();
        b.append("<th");
        if (current) {
            b.append(" aria-sort=\"").append(order.descending() ? "descending" : "ascending").append('"');
        }
        b.append("><a href=\"");
        if (key.equals("name") && !descending) {
            b.append("./");
        } else {
            b.append("?sort=").append(key).append("&amp;order=").append(descending ? "desc" : "asc");
        }
        b.append("\">").append(label);
        if (current) {
            b.append(order.descending() ? " \u2193" : " \u2191");
        }
        b.append("</a></th>");
    }

    /** One row: name (a link, {@code /} after a directory), size with the exact count on hover, time, owner. */
    static void row(StringBuilder b, DfsNode n) {
        String name = n.name();
        b.append("<tr><td><a href=\"").append(UrlPaths.encodeSegment(name));
        if (n.isDirectory()) {
            b.append("/\">").append(UrlPaths.escape(name)).append("/</a><td>-<td>");
        } else {
            b.append("\">").append(UrlPaths.escape(name)).append("</a><td title=\"");
            exact(b, n.size());
            b.append("\">");
            size(b, n.size());
            b.append("<td>");
        }
        ROW_TIME.formatTo(Instant.ofEpochSecond(n.lastModified()), b);
        String owner = String.valueOf(n.owner());
        if (owner.equals(DfsNode.MULTIPLE_OWNERS)) {
            b.append("<td title=\"").append(MULTIPLE_TITLE).append("\">");
        } else {
            b.append("<td>");
        }
        b.append(UrlPaths.escape(owner)).append('\n');
    }

    /** After the last row: how many files and directories were shown, and the files' total size. */
    static void foot(StringBuilder b, int files, int dirs, long bytes) {
        b.append("</tbody></table><p id=\"total\">").append(files).append(files == 1 ? " file, " : " files, ")
                .append(dirs).append(dirs == 1 ? " directory, " : " directories, ")
                .append("<span title=\"");
        exact(b, bytes);
        b.append("\">");
        size(b, bytes);
        // A form, not links: a browser downloads the folder, while a mirroring crawler (wget -r), which follows
        // every link and honours no per-link nofollow, does not fetch every folder again as an archive.
        b.append("</span> in files</p><form method=\"get\" id=\"archive\">Download this folder: "
                + "<button name=\"format\" value=\"zip\">zip</button> <button name=\"format\" value=\"tar\">tar</button>"
                + "</form></body></html>\n");
    }

    /** The exact count, for the hover text: {@code 1 byte}, {@code 1024 bytes}. */
    private static void exact(StringBuilder b, long bytes) {
        b.append(bytes).append(bytes == 1 ? " byte" : " bytes");
    }

    /** {@code bytes} in binary units with one decimal ({@code 1.5 KiB}); below 1 KiB in bytes ({@code 512 B}). */
    static void size(StringBuilder b, long bytes) {
        if (bytes < 1024) {
            b.append(bytes).append(" B");
            return;
        }
        int unit = 0;
        double v = bytes;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        long tenths = Math.round(v * 10);
        if (tenths >= 10240 && unit < UNITS.length - 1) {
            // 1023.95 KiB and up would read 1024.0 KiB: that is 1.0 MiB.
            tenths = 10;
            unit++;
        }
        b.append(tenths / 10).append('.').append(tenths % 10).append(' ').append(UNITS[unit]);
    }

    static String size(long bytes) {
        StringBuilder b = new StringBuilder(12);
        size(b, bytes);
        return b.toString();
    }
}
