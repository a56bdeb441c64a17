package org.dftp.netty.dav;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reading and writing the XML of WebDAV bodies. The one parser refuses any document type declaration, so
 * no entity (external or expanding) is ever read: an XML body is at most 64 KiB of plain elements.
 */
final class DavXml {
    static final String DAV = "DAV:";

    static final int MAX_DEPTH = 64;
    private static final DocumentBuilderFactory FACTORY = factory();

    private DavXml() {
    }

    /** Thrown for a body that is not well-formed XML, or not the element the method expects. */
    static final class BadXml extends Exception {
        BadXml(String message) {
            super(message, null, false, false);
        }
    }

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        try {
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be made safe", e);
        }
        // Bodies nest a few levels; a deep one would only cost stack when a dead property is written out again.
        f.setAttribute("http://www.oracle.com/xml/jaxp/properties/maxElementDepth", String.valueOf(MAX_DEPTH));
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    /** The root element of {@code body}, which must be {@code DAV:} {@code rootName}. */
    static Element parse(byte[] body, String rootName) throws BadXml {
        Document doc;
        try {
            DocumentBuilder b = FACTORY.newDocumentBuilder();
            b.setErrorHandler(SILENT);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("entities are not resolved");
            });
            doc = b.parse(new ByteArrayInputStream(body));
        } catch (SAXException e) {
            throw new BadXml("malformed XML body: " + oneLine(e.getMessage()));
        } catch (IOException | ParserConfigurationException e) {
            throw new BadXml("unreadable XML body");
        }
        Element root = doc.getDocumentElement();
        if (!is(root, rootName)) {
            throw new BadXml("the body must be a DAV:" + rootName + " element");
        }
        return root;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    static boolean is(Node n, String davName) {
        return n instanceof Element e && DAV.equals(e.getNamespaceURI()) && davName.equals(e.getLocalName());
    }

    /** The element children of {@code e}, in order. */
    static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c);
            }
        }
        return out;
    }

    /** The first {@code DAV:} child called {@code name}, or null. */
    static Element child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (is(n, name)) {
                return (Element) n;
            }
        }
        return null;
    }

    /** A property's name as a key: its namespace (or empty), a space, its local name. */
    static String key(Element e) {
        String ns = e.getNamespaceURI();
        return (ns == null ? "" : ns) + " " + e.getLocalName();
    }

    /** {@code e} written out again as XML, with every namespace it uses declared on it. */
    static String serialize(Element e) {
        StringBuilder b = new StringBuilder();
        write(e, b, 0);
        return b.toString();
    }

    /** An empty element for the property {@code key} (as from {@link #key}). */
    static String emptyElement(String key) {
        int sp = key.indexOf(' ');
        String ns = key.substring(0, sp);
        return "<" + key.substring(sp + 1) + " xmlns=\"" + escape(ns) + "\"/>";
    }

    private static void write(Element e, StringBuilder b, int depth) {
        String ns = e.getNamespaceURI();
        String name = e.getLocalName();
        b.append('<').append(name).append(" xmlns=\"").append(escape(ns == null ? "" : ns)).append('"');
        NamedNodeMap attrs = e.getAttributes();
        int prefixes = 0;
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) {
                continue; // declarations are written anew
            }
            String ans = a.getNamespaceURI();
            if (ans == null || ans.isEmpty()) {
                b.append(' ').append(a.getLocalName() == null ? a.getName() : a.getLocalName());
            } else if (XMLConstants.XML_NS_URI.equals(ans)) {
                b.append(" xml:").append(a.getLocalName());
            } else {
                String p = "a" + depth + "_" + prefixes++;
                b.append(" xmlns:").append(p).append("=\"").append(escape(ans)).append("\" ")
                        .append(p).append(':').append(a.getLocalName());
            }
            b.append("=\"").append(escape(a.getValue())).append('"');
        }
        b.append('>');
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                write(c, b, depth + 1);
            } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                b.append(escape(n.getNodeValue()));
            }
        }
        b.append("</").append(name).append('>');
    }

    /**
     * {@code s} safe as XML text or in a double-quoted attribute: the escaping of HTML text serves XML too,
     * and a carriage return is written as a reference, which a parser would otherwise turn into a line feed.
     */
    static String escape(String s) {
        String e = org.dftp.netty.http.UrlPaths.escape(s);
        return e.indexOf('\r') < 0 ? e : e.replace("\r", "&#13;");
    }
}
