package org.dftp.netty.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;

/**
 * A directory listing, streamed row by row: the page a browser gets ({@link ListingPage}), the nginx-like
 * HTML page of the original (same columns, widths and links; captures in
 * dftp-core/src/test/resources/go-dftp/listing-*.html), or a JSON array in the shape of nginx's
 * {@code autoindex_format json}, with the owner node added and whether the caller may write the entry.
 */
final class ListingBody extends BodySource {
    enum Format {
        /** The default page: sortable columns, readable sizes and times, breadcrumbs, search, totals. */
        HTML,
        /** The original's page, byte for byte ({@code ?format=nginx}). */
        NGINX,
        JSON
    }

    /** The original ended every row with CRLF, the parent row included (see the listing captures). */
    private static final String EOL = "\r\n";
    private static final int NAME_WIDTH = 54;
    private static final int SIZE_WIDTH = 20;
    private static final DateTimeFormatter ROW_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP_TIME = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final DfsPath dir;
    /** Where the rows stand: the tree snapshot's own nodes, never a copy of them (see {@link ListingOrder#apply}). */
    private final Iterator<DfsNode> rows;
    private final Format format;
    /** Whether the caller may write an entry: the JSON listing says so for each. */
    private final java.util.function.Predicate<DfsPath> mayWrite;
    /** How {@code rows} are sorted: the default page marks it and links the other orders. */
    private final ListingOrder order;
    private boolean headWritten;
    private boolean firstRow = true;
    /** What the default page's foot counts, added up as rows go out. */
    private int files;
    private int dirs;
    private long bytes;

    ListingBody(DfsPath dir, Iterable<DfsNode> rows, Format format, ListingOrder order,
                java.util.function.Predicate<DfsPath> mayWrite) {
        this.dir = dir;
        this.rows = rows.iterator();
        this.format = format;
        this.order = order;
        this.mayWrite = mayWrite;
    }

    @Override
    protected boolean fill(ByteBuf out) {
        StringBuilder b = new StringBuilder(CHUNK + 512);
        if (!headWritten) {
            head(b);
            headWritten = true;
        }
        while (b.length() < CHUNK && rows.hasNext()) {
            DfsNode n = rows.next();
            switch (format) {
                case HTML -> {
                    ListingPage.row(b, n);
                    count(n);
                }
                case NGINX -> nginxRow(b, n);
                case JSON -> jsonRow(b, n, firstRow);
            }
            firstRow = false;
        }
        boolean done = !rows.hasNext();
        if (done) {
            switch (format) {
                case HTML -> ListingPage.foot(b, files, dirs, bytes);
                case NGINX -> b.append("</pre><hr/></body></html>");
                case JSON -> b.append("\n]\n");
            }
        }
        out.writeCharSequence(b, StandardCharsets.UTF_8);
        return done;
    }

    private void count(DfsNode n) {
        if (n.isDirectory()) {
            dirs++;
        } else {
            files++;
            bytes += n.size();
        }
    }

    private void head(StringBuilder b) {
        if (format == Format.JSON) {
            b.append('[');
            return;
        }
        if (format == Format.HTML) {
            ListingPage.head(b, dir, order);
            return;
        }
        String title = UrlPaths.escape(dir.toString());
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Index of ").append(title)
                .append("</title></head><body><h1>Index of ").append(title).append("</h1><hr/><pre>");
        if (!dir.isRoot()) {
            b.append("<a href=\"../\">../</a>").append(EOL);
        }
    }

    private static void nginxRow(StringBuilder b, DfsNode n) {
        String shown = n.isDirectory() ? n.name() + "/" : n.name();
        String href = UrlPaths.encodeSegment(n.name()) + (n.isDirectory() ? "/" : "");
        b.append("<a href=\"").append(href).append("\">").append(UrlPaths.escape(shown)).append("</a>");
        pad(b, NAME_WIDTH - shown.codePointCount(0, shown.length()));
        b.append(ROW_TIME.format(Instant.ofEpochSecond(n.lastModified())));
        String size = n.isDirectory() ? "[DIR]" : Long.toString(n.size());
        pad(b, SIZE_WIDTH - size.length());
        b.append(size);
        if (n.isDirectory()) {
            b.append("       ");
        } else {
            b.append(" <a href=\"").append(href).append("?format=txt\" title=\"view as plain text\">txt</a>   ");
        }
        b.append(UrlPaths.escape(String.valueOf(n.owner()))).append(EOL);
    }

    private void jsonRow(StringBuilder b, DfsNode n, boolean first) {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        b.append(first ? "\n" : ",\n").append("{\"name\":\"").append(enc.quoteAsString(n.name()))
                .append("\",\"type\":\"").append(n.isDirectory() ? "directory" : "file")
                .append("\",\"mtime\":\"").append(HTTP_TIME.format(Instant.ofEpochSecond(n.lastModified())))
                .append("\",\"size\":").append(n.size())
                .append(",\"owner\":\"").append(enc.quoteAsString(String.valueOf(n.owner())))
                .append("\",\"writable\":").append(mayWrite.test(dir.child(n.name()))).append('}');
    }

    private static void pad(StringBuilder b, int n) {
        b.append(" ".repeat(Math.max(1, n)));
    }
}
