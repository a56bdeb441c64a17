package org.dftp.netty.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentEncoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * gzip (or deflate) for the bodies this server generates, directory listings and {@code /find/}, and for
 * nothing else. A response is compressible when the code that made it said so with {@link #mayCompress}:
 * that sets {@code Vary: Accept-Encoding}, the header caches need on such a response anyway, and this
 * handler encodes only responses that carry it. Files never do, so they keep their {@code Content-Length},
 * their ranges, and {@code sendfile}: Netty's encoder hands a {@code FileRegion} on untouched.
 *
 * <p>Netty's encoder itself passes through {@code HEAD} (the identity headers, a representation the client
 * accepts too), {@code 1xx}, {@code 204} and {@code 304}, and bodies smaller than {@link #MIN_SIZE}. Listings
 * carry no validators and ignore {@code Range}, so no partial response of them is ever encoded.
 */
final class ListingCompressor extends HttpContentCompressor {
    /** Bodies smaller than this go out as they are: about one packet, nothing to save (nginx's gzip_min_length). */
    static final int MIN_SIZE = 1024;
    /** The value of {@code Vary}, spelt as the header it names is spelt on the wire by most servers. */
    private static final AsciiString ACCEPT_ENCODING = AsciiString.cached("Accept-Encoding");
    /** zlib level 6, its own default: most of level 9's gain for a listing at a fraction of the CPU. */
    private static final int LEVEL = 6;

    ListingCompressor() {
        // No pipeline depth of its own: the encoder keeps one Accept-Encoding per request read and not yet
        // answered on the wire, and its default of 128 would close a connection this server serves today
        // (a client that pipelines a thousand requests and reads slowly). What bounds a connection stays
        // where it was: the send timeout and the per-address limit.
        super(MIN_SIZE, Integer.MAX_VALUE,
                StandardCompressionOptions.gzip(LEVEL, 15, 8), StandardCompressionOptions.deflate(LEVEL, 15, 8));
    }

    /**
     * Marks {@code res}, the answer to {@code req}, as one this handler may encode. An HTTP/1.0 client gets
     * the identity body always (no chunks to frame an encoded stream in), so its answer is not marked.
     */
    static void mayCompress(HttpRequest req, HttpResponse res) {
        if (req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0) {
            res.headers().add(HttpHeaderNames.VARY, ACCEPT_ENCODING);
        }
    }

    static boolean compressible(HttpResponse res) {
        return res.headers().containsValue(HttpHeaderNames.VARY, ACCEPT_ENCODING, true);
    }

    /**
     * Whether the bytes of {@code res} may be changed on their way out by a content encoder in
     * {@code pipeline}: never by this one for a response not marked, always by any other (an embedder's
     * {@code HttpContentCompressor} encodes what it likes).
     */
    static boolean mayEncode(ChannelPipeline pipeline, HttpResponse res) {
        HttpContentEncoder encoder = pipeline.get(HttpContentEncoder.class);
        return encoder != null && (!(encoder instanceof ListingCompressor) || compressible(res));
    }

    @Override
    protected Result beginEncode(HttpResponse res, String acceptEncoding) throws Exception {
        // The superclass leaves alone a response that already has a Content-Encoding, and small full bodies.
        return compressible(res) ? super.beginEncode(res, acceptEncoding) : null;
    }
}
