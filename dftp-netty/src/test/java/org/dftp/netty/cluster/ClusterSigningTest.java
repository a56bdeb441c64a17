package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.dftp.core.auth.ClusterKey;
import org.dftp.core.wire.DiscoveryPing;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

@ExtendWith(NettyLeaks.class)
class ClusterSigningTest {
    private static final ClusterKey KEY = ClusterKey.of("correct horse battery staple");
    private static final ClusterKey OTHER = ClusterKey.of("another cluster's secret!");
    private static final Clock NOW = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);

    private static ClusterSigning signing(ClusterKey key, Clock clock) {
        return new ClusterSigning(key, clock);
    }

    @Test
    void aSignedRequestPassesOnceAndOnlyAsSigned() {
        ClusterSigning a = signing(KEY, NOW);
        ClusterSigning b = signing(KEY, NOW);
        ClusterSigning.Signed s = a.signRequest("POST", "/cluster/", ClusterKey.digest(new byte[] {1}));
        assertNotNull(b.verifyRequest("POST", "/cluster/", s.header()));
        assertTrue(assertThrows(ClusterSigning.BadSignature.class,
                () -> b.verifyRequest("POST", "/cluster/", s.header())).getMessage().contains("replay"));
        ClusterSigning.Signed t = a.signRequest("POST", "/cluster/", "x");
        assertThrows(ClusterSigning.BadSignature.class, () -> b.verifyRequest("POST", "/update/", t.header()),
                "another path");
        assertThrows(ClusterSigning.BadSignature.class, () -> b.verifyRequest("GET", "/cluster/", t.header()),
                "another method");
        assertThrows(ClusterSigning.BadSignature.class,
                () -> b.verifyRequest("POST", "/cluster/", t.header().replace("d=x", "d=y")), "another body");
        assertThrows(ClusterSigning.BadSignature.class, () -> signing(OTHER, NOW).verifyRequest("POST", "/cluster/",
                a.signRequest("POST", "/cluster/", "x").header()), "another secret");
        assertTrue(assertThrows(ClusterSigning.BadSignature.class, () -> b.verifyRequest("POST", "/cluster/", null))
                .getMessage().startsWith("unsigned"));
        for (String bad : List.of("", "t=1", "t=x,n=a,d=b,m=c", "q=1,t=1,n=a,d=b,m=c", "t=1,n=,d=b,m=c")) {
            assertThrows(ClusterSigning.BadSignature.class, () -> b.verifyRequest("POST", "/cluster/", bad), bad);
        }
    }

    @Test
    void aRequestSignedOutsideTheWindowIsStale() {
        ClusterSigning old = signing(KEY, Clock.offset(NOW, Duration.ofSeconds(-121)));
        ClusterSigning.Signed s = old.signRequest("GET", "/cluster/", "x");
        assertTrue(assertThrows(ClusterSigning.BadSignature.class,
                () -> signing(KEY, NOW).verifyRequest("GET", "/cluster/", s.header())).getMessage().contains("121 s"));
        ClusterSigning.Signed edge = signing(KEY, Clock.offset(NOW, Duration.ofSeconds(-120))).signRequest("GET", "/cluster/", "x");
        assertNotNull(signing(KEY, NOW).verifyRequest("GET", "/cluster/", edge.header()));
    }

    @Test
    void anAnswerIsBoundToItsRequestStatusAndBody() {
        ClusterSigning a = signing(KEY, NOW);
        ClusterSigning b = signing(KEY, NOW);
        ClusterSigning.Signed req = a.signRequest("GET", "/cluster/", "x");
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String answer = b.signAnswer(200, req, body).header();
        assertThrows(ClusterSigning.BadSignature.class, () -> a.verifyAnswer(200, req, answer, "{ }".getBytes()));
        assertThrows(ClusterSigning.BadSignature.class, () -> a.verifyAnswer(201, req, answer, body));
        ClusterSigning.Signed other = a.signRequest("GET", "/cluster/", "x");
        assertThrows(ClusterSigning.BadSignature.class, () -> a.verifyAnswer(200, other, answer, body));
        assertThrows(ClusterSigning.BadSignature.class, () -> a.verifyAnswer(200, req, null, body), "unsigned answer");
        a.verifyAnswer(200, req, answer, body);
    }

    private static byte[] bytes(List<ByteBuf> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf f : frames) {
            byte[] b = new byte[f.readableBytes()];
            f.readBytes(b);
            f.release();
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static byte[] framed(ClusterSigning s, ClusterSigning.Signed req, String... pieces) {
        Flux<ByteBuf> body = Flux.fromArray(pieces).map(p -> Unpooled.copiedBuffer(p, StandardCharsets.UTF_8));
        return bytes(s.frames(body, req, ByteBufAllocator.DEFAULT).collectList().block());
    }

    /** What the reader hands on from {@code wire} fed in pieces of {@code step} bytes. */
    private static String read(ClusterSigning s, ClusterSigning.Signed req, byte[] wire, int step, boolean finish) {
        ClusterSigning.FrameReader r = s.frameReader(req);
        StringBuilder got = new StringBuilder();
        try {
            for (int i = 0; i < wire.length; i += step) {
                ByteBuf in = Unpooled.wrappedBuffer(wire, i, Math.min(step, wire.length - i));
                r.feed(in, piece -> got.append(piece.toString(StandardCharsets.UTF_8)));
                in.release();
            }
            if (finish) {
                r.finish();
            }
        } finally {
            r.close();
        }
        return got.toString();
    }

    @Test
    void aFramedBodyReadsBackInAnyPiecesAndATamperedOrCutOneIsRefused() {
        ClusterSigning s = signing(KEY, NOW);
        ClusterSigning.Signed req = s.signRequest("POST", "/update/", ClusterSigning.FRAMED);
        byte[] wire = framed(s, req, "{\"Files\":[", "", "]}");
        for (int step : new int[] {1, 3, 7, wire.length}) {
            assertEquals("{\"Files\":[]}", read(s, req, wire, step, true), "pieces of " + step);
        }
        byte[] tampered = wire.clone();
        tampered[5] ^= 1;
        assertThrows(ClusterSigning.BadSignature.class, () -> read(s, req, tampered, 4, true));
        byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 36); // the end frame is missing
        assertThrows(ClusterSigning.BadSignature.class, () -> read(s, req, cut, 4, true));
        ClusterSigning.Signed another = s.signRequest("POST", "/update/", ClusterSigning.FRAMED);
        assertThrows(ClusterSigning.BadSignature.class, () -> read(s, another, wire, 4, true),
                "frames of one request do not pass for another's");
        byte[] huge = {0x7f, 0, 0, 0};
        assertThrows(ClusterSigning.BadSignature.class, () -> read(s, req, huge, 4, false));
    }

    @Test
    void pingsAreSignedAndCheckedOnce() {
        ClusterSigning a = signing(KEY, NOW);
        ClusterSigning b = signing(KEY, NOW);
        DiscoveryPing p = a.signPing(DiscoveryPing.ping("dftp", "ga", ":7041"));
        assertNull(b.pingRefusal(p));
        assertNotNull(b.pingRefusal(p), "a replay");
        assertEquals("unsigned", b.pingRefusal(DiscoveryPing.ping("dftp", "ga", ":7041")));
        DiscoveryPing moved = new DiscoveryPing(p.type(), p.clusterName(), p.nodeName(), "10.0.0.9:7041", p.sig());
        assertEquals("wrong signature", b.pingRefusal(moved));
        assertEquals("wrong signature", signing(OTHER, NOW).pingRefusal(a.signPing(DiscoveryPing.ping("dftp", "ga", ":1"))));
    }

    @Test
    void theSecretIsNeverShownAndShortOnesAreRefused() {
        assertEquals("ClusterKey[secret not shown]", KEY.toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterKey.of("short")).getMessage()
                .contains("at least 16 bytes"));
    }
}
