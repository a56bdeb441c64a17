package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.dftp.core.wire.DiscoveryPing;
import org.dftp.netty.HostPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MgmtInputTest {
    @ParameterizedTest
    @CsvSource({
            ":7041, 10.0.0.5, 10.0.0.5:7041",
            "0.0.0.0:7041, 10.0.0.5, 10.0.0.5:7041",
            "[::]:7041, 10.0.0.5, 10.0.0.5:7041",
            "192.168.1.2:7041, 10.0.0.5, 192.168.1.2:7041",
            "server2:7041, 10.0.0.5, server2:7041",
            ":7041, ::1, [::1]:7041"})
    void portOnlyAddressesTakeTheCallersHost(String raw, String seenFrom, String expected) {
        assertEquals(expected, MgmtInput.peerAddress("mgmt-addr", raw, seenFrom).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"7041", "host:", "host:port", "host:99999", "host:0", "a b:1", "::1:7041", "x/y:1"})
    void badAddressesAreRefused(String raw) {
        assertThrows(MgmtInput.BadInput.class, () -> MgmtInput.peerAddress("mgmt-addr", raw, "10.0.0.5"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "(multiple)", "a\nb", "tab\there"})
    void badNodeNamesAreRefused(String name) {
        assertThrows(MgmtInput.BadInput.class, () -> MgmtInput.nodeName(name));
    }

    @Test
    void overlongNodeNamesAreRefused() {
        assertThrows(MgmtInput.BadInput.class, () -> MgmtInput.nodeName("n".repeat(256)));
        assertEquals("n".repeat(255), MgmtInput.nodeName("n".repeat(255)));
    }

    @Test
    void aGreetingNeedsAllThreeFields() {
        for (String body : List.of("", "name=a&public-addr=:1", "name=a&mgmt-addr=:1", "public-addr=:1&mgmt-addr=:2",
                "name=&public-addr=:1&mgmt-addr=:2")) {
            MgmtInput.BadInput e = assertThrows(MgmtInput.BadInput.class,
                    () -> MgmtInput.greeting(Form.parse(body), "127.0.0.1"));
            assertEquals("name, public-addr and mgmt-addr are required parameters", e.getMessage());
        }
    }

    @Test
    void joinNeedsAPeer() {
        assertEquals("Specify at least one 'peer'", assertThrows(MgmtInput.BadInput.class,
                () -> MgmtInput.joinPeers(Form.parse("other=1"))).getMessage());
        assertEquals(List.of(HostPort.parse("127.0.0.1:7041"), HostPort.parse("b:2")),
                MgmtInput.joinPeers(Form.parse("peer=:7041&peer=b:2")));
    }

    @Test
    void discoveryPingsAreCheckedInOnePlace() {
        assertEquals(HostPort.parse("10.1.1.1:7081"), MgmtInput.discoveryPing(
                DiscoveryPing.ping("dftp", "gmc", ":7081"), "dftp", "me", "10.1.1.1"));
        assertNull(MgmtInput.discoveryPing(DiscoveryPing.ping("other", "gmc", ":7081"), "dftp", "me", "10.1.1.1"));
        assertNull(MgmtInput.discoveryPing(DiscoveryPing.ping("dftp", "me", ":7081"), "dftp", "me", "10.1.1.1"));
        assertThrows(MgmtInput.BadInput.class, () -> MgmtInput.discoveryPing(
                new DiscoveryPing("pong", "dftp", "gmc", ":1"), "dftp", "me", "10.1.1.1"));
        assertThrows(MgmtInput.BadInput.class, () -> MgmtInput.discoveryPing(
                DiscoveryPing.ping("dftp", "gmc", ""), "dftp", "me", "10.1.1.1"));
        assertThrows(MgmtInput.BadInput.class, () -> MgmtInput.discoveryPing(
                DiscoveryPing.ping("dftp", null, ":1"), "dftp", "me", "10.1.1.1"));
    }
}
