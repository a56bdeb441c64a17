package org.dftp.netty.http;

import io.netty.handler.codec.http.HttpContent;

/**
 * Takes the body of the request being handled, piece by piece as the codec decodes it, the last piece a
 * {@link io.netty.handler.codec.http.LastHttpContent}. Called on the channel's event loop; each piece is
 * the body's to release.
 */
public interface RequestBody {
    /** Drops every piece: for requests answered without their body. */
    RequestBody DISCARD = new RequestBody() {
        @Override
        public void content(HttpContent piece) {
            piece.release();
        }

        @Override
        public void abort() {
        }
    };

    void content(HttpContent piece);

    /** The connection closed before the body ended: undo whatever was begun. */
    void abort();
}
