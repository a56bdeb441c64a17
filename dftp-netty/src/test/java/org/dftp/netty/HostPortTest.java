package org.dftp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code host:port} as the original's flags and wire fields write it. */
class HostPortTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            ":7040              | ''          | 7040  | :7040",
            "127.0.0.1:7041     | 127.0.0.1   | 7041  | 127.0.0.1:7041",
            "example.org:80     | example.org | 80    | example.org:80",
            "[::1]:7040         | ::1         | 7040  | [::1]:7040",
            "[fe80::1%eth0]:1   | fe80::1%eth0| 1     | [fe80::1%eth0]:1",
            ":0                 | ''          | 0     | :0",
            "h:65535            | h           | 65535 | h:65535"})
    void parsesAndWritesBack(String text, String host, int port, String written) {
        HostPort hp = HostPort.parse(text);
        assertEquals(new HostPort(host, port), hp);
        assertEquals(written, hp.toString());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "7040", "host", "host:", "host:abc", "host:65536", "host:-1", "::1:7040", ":7040x"})
    void refusesWhatIsNotHostColonPort(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void emptyHostTakesThePeersHostAndBindsEveryInterface() {
        assertEquals(new HostPort("10.0.0.5", 7041), HostPort.parse(":7041").withDefaultHost("10.0.0.5"));
        assertEquals(new HostPort("a", 1), HostPort.parse("a:1").withDefaultHost("b"));
        InetSocketAddress any = HostPort.parse(":7040").bindAddress();
        assertTrue(any.getAddress().isAnyLocalAddress());
        assertEquals(7040, any.getPort());
        assertTrue(HostPort.parse("127.0.0.1:0").bindAddress().getAddress().isLoopbackAddress());
    }
}
