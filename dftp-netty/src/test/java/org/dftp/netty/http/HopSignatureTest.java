package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.dftp.core.auth.ClusterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The signature of a hop: what it covers, and every way a forged, stale or replayed one is refused. */
class HopSignatureTest {
    private static final ClusterKey KEY = ClusterKey.of("a secret of this cluster alone");
    private static final Clock NOW = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);

    @Test
    void aSignedHopIsGoodOnceAndCoversMethodTargetAndUser() {
        HopSignature sender = new HopSignature(KEY, NOW);
        HopSignature receiver = new HopSignature(KEY, NOW);
        String h = sender.sign("PUT", "/fs/a.txt?redirN=1", "alice");
        assertNotNull(receiver.refusal("GET", "/fs/a.txt?redirN=1", "alice", h), "another method");
        assertNotNull(receiver.refusal("PUT", "/fs/b.txt?redirN=1", "alice", h), "another target");
        assertNotNull(receiver.refusal("PUT", "/fs/a.txt?redirN=1", "bob", h), "another user");
        assertNotNull(receiver.refusal("PUT", "/fs/a.txt?redirN=1", null, h), "no user");
        assertNull(receiver.refusal("PUT", "/fs/a.txt?redirN=1", "alice", h));
        assertTrue(receiver.refusal("PUT", "/fs/a.txt?redirN=1", "alice", h).contains("replay"));
    }

    @Test
    void aHopSignedOutsideTheWindowIsRefused() {
        HopSignature past = new HopSignature(KEY, Clock.offset(NOW, java.time.Duration.ofMinutes(-3)));
        String h = past.sign("GET", "/fs/a.txt?redirN=1", null);
        String why = new HopSignature(KEY, NOW).refusal("GET", "/fs/a.txt?redirN=1", null, h);
        assertNotNull(why);
        assertTrue(why.contains("s from this node's clock"), why);
    }

    @Test
    void anotherClustersSignatureIsRefused() {
        String h = new HopSignature(ClusterKey.of("the secret of another cluster"), NOW).sign("GET", "/fs/a", null);
        assertTrue(new HopSignature(KEY, NOW).refusal("GET", "/fs/a", null, h).startsWith("wrong"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "t=1", "t=x,n=a,m=b", "t=1800000000,n=,m=b", "m=,n=,t=", "t=1800000000,n=a,m=b,x=y",
            "garbage", "t=1800000000,n=abc,m=!!!"})
    void aMalformedHeaderIsRefusedWithoutAnException(String header) {
        String why = new HopSignature(KEY, NOW).refusal("GET", "/fs/a", null, header);
        assertNotNull(why, header);
    }

    @Test
    void anUnsignedHopSaysWhatItLacks() {
        assertEquals("a request between nodes must carry X-Dftp-Hop in a cluster with a secret",
                new HopSignature(KEY, NOW).refusal("GET", "/fs/a", null, null));
    }

    @Test
    void aUserNameTravelsAsItsUtf8Bytes() {
        assertEquals("\u00c3\u00a9", HopSignature.wireForm("\u00e9"));
    }
}
