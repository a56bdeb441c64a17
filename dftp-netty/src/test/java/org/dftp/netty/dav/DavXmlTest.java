package org.dftp.netty.dav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** The one XML parser of WebDAV bodies (no document types, so no entities) and the writer of dead properties. */
class DavXmlTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPlainBodyParsesToItsDavRoot() throws Exception {
        Element root = DavXml.parse(utf8("<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
                + "<D:getcontentlength/><Z:x xmlns:Z=\"urn:z\"/></D:prop></D:propfind>"), "propfind");
        Element prop = DavXml.child(root, "prop");
        List<Element> wanted = DavXml.children(prop);
        assertEquals(2, wanted.size());
        assertEquals("DAV: getcontentlength", DavXml.key(wanted.get(0)));
        assertEquals("urn:z x", DavXml.key(wanted.get(1)));
        assertNull(DavXml.child(root, "allprop"));
    }

    @Test
    void anExternalEntityIsRefusedAndNeverRead() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        String body = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"" + secret.toUri() + "\">]>"
                + "<D:propfind xmlns:D=\"DAV:\"><D:prop><Z:x xmlns:Z=\"urn:z\">&e;</Z:x></D:prop></D:propfind>";
        DavXml.BadXml e = assertThrows(DavXml.BadXml.class, () -> DavXml.parse(utf8(body), "propfind"));
        assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        // An expanding internal entity: the billion laughs.
        "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><D:propfind xmlns:D=\"DAV:\">&c;</D:propfind>",
        // An external DTD.
        "<!DOCTYPE D:propfind SYSTEM \"http://127.0.0.1:1/x.dtd\"><D:propfind xmlns:D=\"DAV:\"/>",
        // A parameter entity.
        "<!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><D:propfind xmlns:D=\"DAV:\"/>",
        // Any document type at all, even a harmless one.
        "<!DOCTYPE propfind><D:propfind xmlns:D=\"DAV:\"/>",
    })
    void everyDocumentTypeIsRefused(String body) {
        assertThrows(DavXml.BadXml.class, () -> DavXml.parse(utf8(body), "propfind"));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "", "not xml", "<D:propfind xmlns:D=\"DAV:\">", "<D:propfind xmlns:D=\"DAV:\"></D:prop>",
        "<propfind/>", // no namespace
        "<D:propfind xmlns:D=\"urn:not-dav\"/>", // the right name in another namespace
        "<D:lockinfo xmlns:D=\"DAV:\"/>", // another DAV element
        "<D:propfind xmlns:D=\"DAV:\"/><D:propfind xmlns:D=\"DAV:\"/>", // two roots
        "<D:propfind xmlns:D=\"DAV:\"><x:y/></D:propfind>", // an undeclared prefix
    })
    void whatIsNotTheExpectedElementIsRefused(String body) {
        assertThrows(DavXml.BadXml.class, () -> DavXml.parse(utf8(body), "propfind"));
    }

    @Test
    void serializeKeepsNamespacesAttributesAndTextThroughARoundTrip() throws Exception {
        String body = "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"http://example.com/z\" xmlns:Y=\"urn:y\">"
                + "<D:set><D:prop><Z:color Y:shade=\"dark &amp; &quot;deep&quot;\" plain=\"p\" xml:lang=\"en\">"
                + "red &amp; &lt;blue&gt;\r<Y:inner>x</Y:inner><none xmlns=\"\">n</none><D:href>/fs/a</D:href>"
                + "</Z:color></D:prop></D:set></D:propertyupdate>";
        Element color = only(DavXml.parse(utf8(body), "propertyupdate"));
        String once = DavXml.serialize(color);

        // The serialized element stands alone: parsed inside another document, it is the same element.
        Element again = only(DavXml.parse(utf8("<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>" + once
                + "</D:prop></D:set></D:propertyupdate>"), "propertyupdate"));
        assertSameElement(color, again);
        assertEquals(once, DavXml.serialize(again), "serializing is stable");
        assertEquals("http://example.com/z color", DavXml.key(again));
    }

    @Test
    void aPropertyInNoNamespaceStaysInNone() throws Exception {
        Element p = only(DavXml.parse(utf8("<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><plain>v</plain>"
                + "</D:prop></D:set></D:propertyupdate>"), "propertyupdate"));
        assertEquals(" plain", DavXml.key(p));
        Element back = only(DavXml.parse(utf8("<D:propertyupdate xmlns:D=\"DAV:\" xmlns=\"urn:default\"><D:set>"
                + "<D:prop>" + DavXml.serialize(p) + "</D:prop></D:set></D:propertyupdate>"), "propertyupdate"));
        assertNull(back.getNamespaceURI(), "an inherited default namespace does not capture it");
        assertEquals("v", back.getTextContent());
    }

    @Test
    void emptyElementsNameTheirNamespace() throws Exception {
        assertEquals("<color xmlns=\"http://example.com/z\"/>", DavXml.emptyElement("http://example.com/z color"));
        assertEquals("<plain xmlns=\"\"/>", DavXml.emptyElement(" plain"));
        assertEquals("<q xmlns=\"urn:a&amp;b\"/>", DavXml.emptyElement("urn:a&b q"));
    }

    @Test
    void escapeCoversMarkupQuotesAndCarriageReturns() {
        assertEquals("a&lt;b&gt;c&amp;d&quot;e&#13;f&#39;g\nh", DavXml.escape("a<b>c&d\"e\rf'g\nh"));
        String plain = "nothing to escape";
        assertTrue(plain == DavXml.escape(plain), "a string without markup is returned as is");
    }

    /** The one property inside {@code propertyupdate/set/prop}. */
    private static Element only(Element update) {
        Element prop = DavXml.child(DavXml.child(update, "set"), "prop");
        List<Element> props = DavXml.children(prop);
        assertEquals(1, props.size());
        return props.get(0);
    }

    private static void assertSameElement(Element want, Element got) {
        assertEquals(want.getNamespaceURI(), got.getNamespaceURI(), "namespace of " + want.getLocalName());
        assertEquals(want.getLocalName(), got.getLocalName());
        assertEquals(attributes(want), attributes(got), "attributes of " + want.getLocalName());
        Node a = want.getFirstChild();
        Node b = got.getFirstChild();
        StringBuilder textA = new StringBuilder();
        StringBuilder textB = new StringBuilder();
        List<Element> childrenA = new ArrayList<>();
        List<Element> childrenB = new ArrayList<>();
        for (; a != null; a = a.getNextSibling()) {
            if (a instanceof Element e) {
                childrenA.add(e);
            } else if (a.getNodeType() == Node.TEXT_NODE) {
                textA.append(a.getNodeValue());
            }
        }
        for (; b != null; b = b.getNextSibling()) {
            if (b instanceof Element e) {
                childrenB.add(e);
            } else if (b.getNodeType() == Node.TEXT_NODE) {
                textB.append(b.getNodeValue());
            }
        }
        assertEquals(textA.toString(), textB.toString(), "text of " + want.getLocalName());
        assertEquals(childrenA.size(), childrenB.size());
        for (int i = 0; i < childrenA.size(); i++) {
            assertSameElement(childrenA.get(i), childrenB.get(i));
        }
    }

    /** Attributes as {@code {namespace}name=value}, sorted, without namespace declarations. */
    private static List<String> attributes(Element e) {
        List<String> out = new ArrayList<>();
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if ("http://www.w3.org/2000/xmlns/".equals(a.getNamespaceURI())) {
                continue;
            }
            out.add("{" + a.getNamespaceURI() + "}" + a.getLocalName() + "=" + a.getValue());
        }
        out.sort(null);
        return out;
    }
}
