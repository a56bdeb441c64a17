package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.EmbeddedHttp;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The production pipeline over an EmbeddedChannel, serving the tree of the Go captures unless a test sets another. */
@ExtendWith(NettyLeaks.class)
abstract class ListingFixture {
    DfsTree tree = Trees.goCaptures();
    final EmbeddedHttp http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", null));

    @AfterEach
    void nothingLeftInTheChannel() {
        assertFalse(http.channel.finish());
    }
}
