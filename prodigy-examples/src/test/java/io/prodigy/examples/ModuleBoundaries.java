package io.prodigy.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Checks that the modules of a checkout depend one way (api &lt;- core &lt;- adapters &lt;- cli), by reading its
 * poms and main sources:
 * <ul>
 *   <li>no main source outside {@code prodigy-core} refers to {@code io.prodigy.core.internal} (imports and
 *       qualified names; comments and string literals do not count);</li>
 *   <li>{@code prodigy-api} declares no dependency outside the test scope but the JSpecify nullness annotations,
 *       and its main sources import only the JDK, those annotations and its own packages;</li>
 *   <li>{@code prodigy-git} declares no dependency on another Prodigy module than {@code prodigy-api} outside the
 *       test scope, and its main sources refer to no {@code io.prodigy.core} package.</li>
 * </ul>
 */
final class ModuleBoundaries {
    private static final Pattern CORE_INTERNAL = Pattern.compile("\\bio\\.prodigy\\.core\\.internal\\b");
    private static final Pattern CORE = Pattern.compile("\\bio\\.prodigy\\.core\\b");
    private static final Pattern PRODIGY_NOT_API = Pattern.compile("\\bio\\.prodigy\\.(?!api\\b)[a-z]\\w*");
    /** The one dependency prodigy-api may have: nullness annotations, no code. */
    private static final String NULLNESS_ANNOTATIONS = "org.jspecify:jspecify";

    private static final String NULLNESS_PACKAGE = "org.jspecify.annotations.";
    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+(?:static\\s+)?([\\w.]+)");

    private ModuleBoundaries() {}

    /**
     * @param start a directory inside the checkout (a module's directory when Maven runs the tests)
     * @return the checkout's root: the nearest directory up from {@code start} whose pom lists {@code prodigy-api}
     * @throws IllegalStateException if there is none
     */
    static Path repositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && read(pom).contains("<module>prodigy-api</module>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml listing the module prodigy-api above " + start);
    }

    /**
     * @param root the checkout's root
     * @return every broken rule, one line each ({@code file:line: what}), paths relative to {@code root}; empty
     *         when the modules depend one way
     */
    static List<String> violations(Path root) {
        List<String> found = new ArrayList<>();
        for (Path module : modules(root)) {
            String name = module.getFileName().toString();
            for (Path source : mainSources(module)) {
                String code = codeOnly(read(source));
                if (!name.equals("prodigy-core")) {
                    report(
                            found,
                            root,
                            source,
                            code,
                            CORE_INTERNAL,
                            "refers to io.prodigy.core.internal, which is "
                                    + "private to prodigy-core; use a published package (io.prodigy.core.process, "
                                    + "io.prodigy.core.expr, ...)");
                }
                if (name.equals("prodigy-api")) {
                    report(found, root, source, code, PRODIGY_NOT_API, "prodigy-api refers to another Prodigy module");
                    Matcher m = IMPORT.matcher(code);
                    while (m.find()) {
                        String imported = m.group(1);
                        if (!imported.startsWith("java.")
                                && !imported.startsWith("io.prodigy.api.")
                                && !imported.startsWith(NULLNESS_PACKAGE)) {
                            found.add(where(root, source, code, m.start(1)) + ": prodigy-api imports " + imported
                                    + "; it may use the JDK and the JSpecify annotations only");
                        }
                    }
                }
                if (name.equals("prodigy-git")) {
                    report(
                            found,
                            root,
                            source,
                            code,
                            CORE,
                            "prodigy-git main code refers to io.prodigy.core; it " + "depends on prodigy-api only");
                }
            }
            if (name.equals("prodigy-api") || name.equals("prodigy-git")) {
                for (String dependency : nonTestDependencies(module.resolve("pom.xml"))) {
                    boolean allowed = name.equals("prodigy-git")
                            ? dependency.equals("io.prodigy:prodigy-api") || !dependency.startsWith("io.prodigy:")
                            : dependency.equals(NULLNESS_ANNOTATIONS);
                    if (!allowed) {
                        found.add(root.relativize(module.resolve("pom.xml")) + ": " + name + " depends on "
                                + dependency
                                + (name.equals("prodigy-api")
                                        ? "; it may depend on " + NULLNESS_ANNOTATIONS + " only"
                                        : "; it may depend on prodigy-api only (other modules in test scope)"));
                    }
                }
            }
        }
        return found;
    }

    private static void report(List<String> found, Path root, Path source, String code, Pattern pattern, String what) {
        Matcher m = pattern.matcher(code);
        while (m.find()) {
            found.add(where(root, source, code, m.start()) + ": " + what);
        }
    }

    private static String where(Path root, Path source, String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return root.relativize(source) + ":" + line;
    }

    /** @return the directories directly under {@code root} that hold a pom, sorted */
    private static List<Path> modules(Path root) {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> mainSources(Path module) {
        Path main = module.resolve("src/main/java");
        if (!Files.isDirectory(main)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(main)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code groupId:artifactId} of each dependency the pom declares outside the test scope */
    static List<String> nonTestDependencies(Path pom) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = factory.newDocumentBuilder().parse(pom.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> found = new ArrayList<>();
        for (Element dependencies : children(doc.getDocumentElement(), "dependencies")) {
            for (Element dependency : children(dependencies, "dependency")) {
                if (!"test".equals(text(dependency, "scope"))) {
                    found.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
                }
            }
        }
        return found;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent().strip();
    }

    /**
     * @return the source with comments, string and character literals and text blocks blanked out (newlines kept,
     *         so that offsets still give line numbers)
     */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(source, i, end, out);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                blank(source, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
                blank(source, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String source, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(source.charAt(k) == '\n' ? '\n' : ' ');
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
