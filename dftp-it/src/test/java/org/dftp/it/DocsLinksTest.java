package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every reference in the docs and the sources resolves: a Markdown link to a file or heading of the
 * project, and every file under {@code docs/} that a comment or message names.
 */
class DocsLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern DOC_NAME = Pattern.compile("\\b(docs/[A-Z][A-Za-z_-]*\\.md)(#[a-z0-9-]+)?");

    @Test
    void markdownLinksResolveToFilesAndHeadings() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path md : files(".md")) {
            String text = Files.readString(md);
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // a URL, not a file of the project
                }
                int hash = target.indexOf('#');
                Path file = hash == 0 ? md : md.getParent().resolve(hash < 0 ? target : target.substring(0, hash)).normalize();
                if (!Files.exists(file)) {
                    broken.add(ROOT.relativize(md) + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(md) + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void everyNamedDocExists() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path f : files(".java", ".md", ".sh", ".xml", ".service")) {
            Matcher m = DOC_NAME.matcher(Files.readString(f));
            while (m.find()) {
                Path doc = ROOT.resolve(m.group(1));
                if (!Files.exists(doc)) {
                    broken.add(ROOT.relativize(f) + ": " + m.group(1));
                } else if (m.group(2) != null && !anchors(doc).contains(m.group(2).substring(1))) {
                    broken.add(ROOT.relativize(f) + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    /** The anchors GitHub gives a file's headings: lower case, spaces to dashes, punctuation dropped. */
    private static List<String> anchors(Path md) {
        try (Stream<String> lines = Files.lines(md)) {
            return lines.filter(l -> l.startsWith("#"))
                    .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Build output and tool state: not the project's own text. */
    private static boolean generated(Path relative) {
        for (Path part : relative) {
            if (List.of("target", ".git", ".mvn", "node_modules").contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> files(String... suffixes) throws IOException {
        try (Stream<Path> all = Files.walk(ROOT)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
                    .filter(p -> !generated(ROOT.relativize(p)))
                    .toList();
        }
    }
}
