package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FtpOptionsTest {
    private static final FtpOptions DEFAULTS = FtpOptions.defaults("alpha");

    @Test
    void defaultsAreThoseOfTheProtocol() {
        assertEquals("", DEFAULTS.host());
        assertEquals(2121, DEFAULTS.port());
        assertEquals(64, DEFAULTS.maxConnections());
        assertEquals(300, DEFAULTS.idleTimeoutSeconds());
        assertEquals(":2121", DEFAULTS.listenAddress(2121));
        assertEquals("[::1]:21", DEFAULTS.withListen("::1", 0).listenAddress(21));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30000-30100", "30000", "30000,30002-30010", "1-65535", "30000, 30002"})
    void passivePortListsAreAccepted(String ports) {
        assertEquals(ports, DEFAULTS.withPassive(ports, null).passivePorts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "30100-30000", "0-10", "1-70000", "30000-", "30000,,30001", "30000 - 30001"})
    void badPassivePortsAreRefusedWithTheFlagValueInTheMessage(String ports) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withPassive(ports, null));
        assertTrue(e.getMessage().startsWith("FTP: passive port"), e.getMessage());
    }

    @Test
    void everyOtherBadValueIsRefusedWithAClearMessage() {
        assertThrows(IllegalArgumentException.class, () -> FtpOptions.defaults(" "));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withListen("", 65536));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withListen("", -1));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withPassive(null, "a b"));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withPassive(null, ""));
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withLimits(0, Duration.ofMinutes(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withLimits(1, Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("idle timeout"), e.getMessage());
    }

    @Test
    void tlsIsOffByDefaultAndRequiringItNeedsACertificate() {
        assertFalse(DEFAULTS.tls().enabled());
        assertFalse(DEFAULTS.tls().required());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FtpTls(null, true));
        assertTrue(e.getMessage().contains("-ftp-require-tls needs -tls-cert"), e.getMessage());
        FtpTls offered = FtpTls.offered(() -> null);
        assertTrue(DEFAULTS.withTls(offered).tls().enabled());
        assertEquals(DEFAULTS.port(), DEFAULTS.withTls(offered).withListen("", 21).withTls(FtpTls.OFF).withListen("", 2121).port());
        assertTrue(DEFAULTS.withTls(offered).withLimits(3, Duration.ofMinutes(1)).tls().enabled(), "kept by the other withs");
    }

    @Test
    void aFractionOfASecondCountsAsOneMore() {
        assertEquals(2, DEFAULTS.withLimits(1, Duration.ofMillis(1500)).idleTimeoutSeconds());
    }
}
