package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.dftp.netty.DftpHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * dftp-netty as an application that embeds it sees it (this module depends on it as any consumer does):
 * no logging configuration and no command-line parser come with it, while the runnable jar keeps both.
 */
class LibraryArtifactTest {
    static final Path NETTY = Path.of("..", "dftp-netty").toAbsolutePath().normalize();

    @Test
    void theLibraryCarriesNoLoggingConfiguration() throws Exception {
        // Where DftpHttp comes from: target/classes in a reactor build, the jar once packaged or installed.
        Path library = Path.of(DftpHttp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(library)) {
            assertTrue(Files.exists(library.resolve("org/dftp/netty/DftpHttp.class")), library.toString());
            assertTrue(Files.notExists(library.resolve("logback.xml")), library + " has a logback.xml");
        } else {
            try (JarFile jar = new JarFile(library.toFile())) {
                assertNull(jar.getEntry("logback.xml"), library + " has a logback.xml");
            }
        }
        // Nor anything else on a consumer's class path: this module's own configuration is logback-test.xml.
        URL config = getClass().getClassLoader().getResource("logback.xml");
        assertNull(config, "a logback.xml on the consumer's class path: " + config);
    }

    @Test
    void thePackagedMainJarHasNoLoggingConfiguration() throws Exception {
        Path jar = NETTY.resolve("target/dftp-netty-" + version() + ".jar");
        Assumptions.assumeTrue(Files.exists(jar), "dftp-netty is not packaged in this build");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertNotNull(j.getEntry("org/dftp/netty/DftpHttp.class"), "the library's own classes");
            assertNull(j.getEntry("logback.xml"), jar + " has a logback.xml");
            assertNull(j.getEntry("picocli/CommandLine.class"), jar + " is not the library jar");
        }
    }

    @Test
    void theRunnableJarKeepsItsLoggingAndCommandLine() throws Exception {
        Path jar = NETTY.resolve("target/dftp.jar");
        Assumptions.assumeTrue(Files.exists(jar), "dftp.jar is not built");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertNotNull(j.getEntry("picocli/CommandLine.class"));
            assertNotNull(j.getEntry("ch/qos/logback/classic/Logger.class"));
            String config = new String(j.getInputStream(j.getEntry("logback.xml")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(Files.readString(NETTY.resolve("src/shaded/logback.xml")), config);
            assertTrue(config.contains("%d{yyyy/MM/dd HH:mm:ss} %-5level %msg%n"), "the node's log format");
        }
    }

    @Test
    void loggingBackendAndCommandLineAreOptionalDependencies() throws Exception {
        Map<String, String> optional = new HashMap<>();
        NodeList deps = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(NETTY.resolve("pom.xml").toFile()).getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            NodeList opt = d.getElementsByTagName("optional");
            optional.put(text(d, "artifactId"), opt.getLength() == 0 ? "false" : opt.item(0).getTextContent().trim());
        }
        assertEquals("true", optional.get("logback-classic"), "logback-classic in dftp-netty/pom.xml");
        assertEquals("true", optional.get("picocli"), "picocli in dftp-netty/pom.xml");
        // And so neither reached this module, which depends on dftp-netty and declares only Logback (for tests).
        assertThrows(ClassNotFoundException.class, () -> Class.forName("picocli.CommandLine"));
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    private static String version() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(NETTY.resolve("pom.xml").toFile()).getDocumentElement();
        Element parent = (Element) project.getElementsByTagName("parent").item(0);
        return text(parent, "version");
    }
}
