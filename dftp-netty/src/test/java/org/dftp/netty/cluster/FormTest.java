package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dftp.core.wire.GoCaptures;
import org.dftp.netty.HostPort;
import org.junit.jupiter.api.Test;

class FormTest {
    @Test
    void ourGreetingIsByteForByteTheCapturedOne() {
        Greeting g = new Greeting("gb", HostPort.parse("127.0.0.1:7050"), HostPort.parse("127.0.0.1:7051"), true);
        assertEquals(GoCaptures.greetingBody(), g.formBody());
    }

    @Test
    void theCapturedGreetingDecodesToItsFields() {
        Form f = Form.parse(GoCaptures.greetingBody());
        assertEquals("gb", f.first("name"));
        assertEquals("127.0.0.1:7050", f.first("public-addr"));
        assertEquals("127.0.0.1:7051", f.first("mgmt-addr"));
        assertEquals("true", f.first("request-full-update"));
        Greeting g = MgmtInput.greeting(f, "10.9.9.9");
        assertEquals(new Greeting("gb", HostPort.parse("127.0.0.1:7050"), HostPort.parse("127.0.0.1:7051"), true), g);
    }

    @Test
    void aPingHasNoRequestFullUpdateField() {
        Greeting g = new Greeting("n", HostPort.parse(":7040"), HostPort.parse(":7041"), false);
        assertEquals("mgmt-addr=%3A7041&name=n&public-addr=%3A7040", g.formBody());
    }

    @Test
    void escapingIsGoQueryEscape() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("b", "a b*~-_.é/");
        m.put("a", "&=+%");
        assertEquals("a=%26%3D%2B%25&b=a+b%2A~-_.%C3%A9%2F", Form.encode(m));
        Form back = Form.parse(Form.encode(m));
        assertEquals("a b*~-_.é/", back.first("b"));
        assertEquals("&=+%", back.first("a"));
    }

    @Test
    void bodyValuesComeBeforeQueryValuesAndKeysRepeat() {
        Form f = Form.parse("peer=a:1&peer=b:2&x").then(Form.parse("peer=c:3"));
        assertEquals(List.of("a:1", "b:2", "c:3"), f.all("peer"));
        assertEquals("", f.first("x"));
        assertEquals("", f.first("missing"));
    }

    @Test
    void aBrokenEscapeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Form.parse("peer=%zz"));
        assertThrows(IllegalArgumentException.class, () -> Form.parse("peer=%4"));
    }
}
