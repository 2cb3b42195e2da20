package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.Problem;
import io.prodigy.yaml.WorkflowLoader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

/**
 * Every fenced code block in {@code docs/*.md} and {@code README.md} is checked, so the docs cannot rot.
 *
 * <p>Conventions for writers:
 * <ul>
 *   <li>Every fence names its language; a fence without one fails this test. Known languages: {@code java},
 *   {@code yaml}, {@code sh}, {@code json}, {@code jsonl}, {@code xml}, and {@code text} (program output, file
 *   layouts, messages: not checked).</li>
 *   <li>{@code java}: all blocks are compiled together with {@code javax.tools.JavaCompiler} against the test
 *   classpath (every Prodigy module, the Claude test double, AssertJ). A block that declares a top-level
 *   {@code class}, {@code interface}, {@code record} or {@code enum} is a compilation unit; any other block is a
 *   fragment, compiled as the body of {@code void body() throws Exception} in a subclass of {@link DocContext},
 *   so it may use the names declared there ({@code workflow}, {@code prodigy}, {@code result}, {@code runId},
 *   {@code myAgentRunner}, {@code git}, {@code tempDir}, {@code workspace}, {@code log(..)},
 *   {@code askTheUser(..)}) and {@code import} lines at its top are moved out of the method. Neither kind gets
 *   any import: a block names its own ({@code import io.prodigy.core.Prodigy;} ...), so that it compiles as a
 *   reader copies it; each gets a package of its own, unless a unit declares its package.</li>
 *   <li>{@code yaml}: loaded with {@link WorkflowLoader} and must load without errors (warnings are allowed). A
 *   block whose first line is {@code # fragment} only has to be valid YAML; a block whose first line is
 *   {@code # invalid: TEXT} must fail to load with an error whose message contains TEXT.</li>
 *   <li>{@code sh}: each line (after an optional {@code $ } prompt, with {@code \} continuations joined) that
 *   starts with {@code prodigy } or {@code ./prodigy } is a CLI invocation, parsed by the CLI's own parser ({@link #checkCliLine}): an unknown command, option or
 *   missing argument fails.
 *   Other lines are not run.</li>
 *   <li>{@code json} must parse; {@code jsonl} must parse line by line; {@code xml} must be well-formed.</li>
 * </ul>
 */
class DocsCodeBlocksTest {
    static final Set<String> LANGUAGES = Set.of("java", "yaml", "sh", "json", "jsonl", "xml", "text");

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})(.*)$");
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "(?m)^(?:@\\w+\\s+)*(?:(?:public|final|abstract|sealed|non-sealed)\\s+)*(?:class|interface|record|enum)\\s+\\w+");

    /** A fenced block. */
    record Block(Path file, int line, String language, String text) {
        String where() {
            return file.getFileName() + ":" + line;
        }
    }

    static List<Block> blocks;
    static final Map<String, Integer> CHECKED = new TreeMap<>();

    @TempDir
    Path tmp;

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("docs")) ? here : here.getParent();
    }

    @BeforeAll
    static void extract() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(root().resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        if (Files.exists(root().resolve("README.md"))) {
            files.add(root().resolve("README.md"));
        }
        blocks = new ArrayList<>();
        for (Path f : files) {
            blocks.addAll(parse(f, Files.readAllLines(f, StandardCharsets.UTF_8)));
        }
    }

    /** Splits a Markdown file into its fenced blocks (indented fences, as in lists, are unindented). */
    static List<Block> parse(Path file, List<String> lines) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            String fence = open.group(2);
            String language = open.group(3).strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
            StringBuilder text = new StringBuilder();
            int j = i + 1;
            for (; j < lines.size(); j++) {
                String l = lines.get(j);
                if (l.strip().startsWith(fence)
                        && l.strip().replace(fence.substring(0, 1), "").isEmpty()) {
                    break;
                }
                text.append(l.startsWith(indent) ? l.substring(indent.length()) : l.stripLeading())
                        .append('\n');
            }
            assertThat(j)
                    .as("%s:%d: the fence is never closed", file.getFileName(), i + 1)
                    .isLessThan(lines.size());
            out.add(new Block(file, i + 1, language, text.toString()));
            i = j;
        }
        return out;
    }

    private static List<Block> of(String language) {
        return blocks.stream().filter(b -> b.language().equals(language)).toList();
    }

    private static void count(String language, int n) {
        synchronized (CHECKED) {
            CHECKED.merge(language, n, Integer::sum);
            System.out.println("doc code blocks checked: " + CHECKED);
        }
    }

    @Test
    void everyBlockNamesAKnownLanguage() {
        assertThat(blocks).isNotEmpty();
        List<String> bad = blocks.stream()
                .filter(b -> !LANGUAGES.contains(b.language()))
                .map(b -> b.where() + ": "
                        + (b.language().isEmpty()
                                ? "a fence without a language"
                                : "unknown language '" + b.language() + "'")
                        + " (use one of " + LANGUAGES + ")")
                .toList();
        assertThat(bad).as("fenced blocks").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------- java

    @Test
    void javaBlocksCompile() throws IOException {
        List<Block> java = of("java");
        assertThat(java).isNotEmpty();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK (not a JRE) runs the tests").isNotNull();
        Path src = tmp.resolve("src");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Map<Path, Block> sources = new TreeMap<>();
        Map<Path, Integer> offsets = new TreeMap<>();
        int n = 0;
        for (Block b : java) {
            n++;
            String pkg = "docs.b" + n;
            StringBuilder unit = new StringBuilder();
            String text = b.text();
            boolean declaresPackage = text.strip().startsWith("package ");
            String name;
            int offset;
            if (TYPE_DECLARATION.matcher(text).find()) {
                Matcher m = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;").matcher(text);
                if (declaresPackage && m.find()) {
                    pkg = m.group(1);
                } else {
                    unit.append("package ").append(pkg).append(";\n");
                }
                // imports must come after the package line and before the types
                List<String> lines = new ArrayList<>(text.lines().toList());
                int insertAt = 0;
                if (declaresPackage) {
                    while (!lines.get(insertAt).strip().startsWith("package ")) {
                        insertAt++;
                    }
                    insertAt++;
                }
                // no imports are added: a block carries its own, as a reader copies it
                lines.add(insertAt, "");
                // generated line = block line + offset (for the lines after the package line)
                offset = declaresPackage ? 1 : 2;
                unit.append(String.join("\n", lines)).append('\n');
                Matcher t = Pattern.compile("(?m)^(?:(?:public|final|abstract|sealed|non-sealed)\\s+)*"
                                + "(?:class|interface|record|enum)\\s+(\\w+)")
                        .matcher(text);
                t.find();
                name = Pattern.compile("(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed)\\s+)*"
                                + "(?:class|interface|record|enum)\\s+(\\w+)")
                        .matcher(text)
                        .results()
                        .map(r -> r.group(1))
                        .findFirst()
                        .orElse(t.group(1));
            } else {
                unit.append("package ").append(pkg).append(";\n");
                unit.append('\n'); // no imports are added: a block carries its own, as a reader copies it
                List<String> body = new ArrayList<>();
                for (String l : text.lines().toList()) {
                    if (l.startsWith("import ") && body.isEmpty()) {
                        unit.append(l).append('\n');
                    } else {
                        body.add(l);
                    }
                }
                unit.append("@SuppressWarnings(\"all\") class Snippet extends io.prodigy.examples.DocContext {"
                        + " void body() throws Exception {\n");
                // the package line, the imports line and the class line come before the body; the hoisted
                // imports were at the top of the block anyway
                offset = 3;
                unit.append(String.join("\n", body)).append("\n}}\n");
                name = "Snippet";
            }
            Path file = src.resolve(pkg.replace('.', '/')).resolve(name + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, unit.toString(), StandardCharsets.UTF_8);
            sources.put(file, b);
            offsets.put(file, offset);
        }
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter output = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager fm =
                compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(sources.keySet());
            ok = compiler.getTask(
                            output,
                            fm,
                            diagnostics,
                            List.of(
                                    "--release",
                                    "17",
                                    "-proc:none",
                                    "-Xlint:none",
                                    "-classpath",
                                    classpath,
                                    "-d",
                                    classes.toString(),
                                    "-encoding",
                                    "UTF-8"),
                            null,
                            units)
                    .call();
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Path file = d.getSource() == null ? null : Path.of(d.getSource().toUri());
            Block b = file == null ? null : sources.get(file);
            String where = b == null
                    ? String.valueOf(file)
                    : b.where() + " (line " + (b.line() + d.getLineNumber() - offsets.get(file)) + ")";
            errors.add(where + ": " + d.getMessage(Locale.ROOT));
        }
        assertThat(errors).as("Java blocks that do not compile\n" + output).isEmpty();
        assertThat(ok).as(output.toString()).isTrue();
        count("java", java.size());
    }

    /**
     * The expressions Java blocks pass as strings ({@code .filter("...")}, {@code .sortBy("...")},
     * {@code .when("...")}) are checked with the engine's own parsers, through the YAML loader, because the
     * compiler cannot see inside a string.
     */
    @Test
    void expressionsInJavaBlocksParse() {
        Pattern call = Pattern.compile("\\.(filter|sortBy|when)\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)");
        WorkflowLoader loader = WorkflowLoader.builder()
                .baseDirectory(tmp)
                .environment(Map.of())
                .build();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Block b : of("java")) {
            Matcher m = call.matcher(b.text());
            while (m.find()) {
                String expression = m.group(2).replace("\\\"", "\"").replace("\\\\", "\\");
                String quoted = "\"" + expression.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                String key = switch (m.group(1)) {
                    case "filter" -> "  filter: " + quoted + "\n";
                    case "sortBy" -> "  sort_by: " + quoted + "\n";
                    default -> "";
                };
                String when = m.group(1).equals("when") ? "      when: " + quoted + "\n" : "";
                String yaml = "name: expression\nmode: mapreduce\nmap:\n  input: items.json\n" + key
                        + "  agent_template:\n    - shell: \"true\"\n" + when;
                LoadResult r = loader.load(yaml, b.file().getFileName() + "-" + b.line() + ".yml");
                checked++;
                if (r.hasErrors()) {
                    failures.add(b.where() + ": ." + m.group(1) + "(\"" + expression + "\"):\n"
                            + r.report().indent(4));
                }
            }
        }
        assertThat(failures).as("expressions in Java blocks").isEmpty();
        assertThat(checked).isPositive();
        System.out.println("expressions in Java blocks checked: " + checked);
    }

    // ---------------------------------------------------------------------------------------------------- yaml

    @Test
    void yamlBlocksLoad() throws IOException {
        List<Block> yaml = of("yaml");
        assertThat(yaml).isNotEmpty();
        WorkflowLoader loader = WorkflowLoader.builder()
                .baseDirectory(tmp)
                .environment(Map.of())
                .build();
        YAMLMapper plain = new YAMLMapper();
        List<String> failures = new ArrayList<>();
        for (Block b : yaml) {
            String first = b.text().lines().findFirst().orElse("").strip();
            if (first.equals("# fragment") || first.startsWith("# fragment:")) {
                try {
                    plain.readTree(b.text());
                } catch (IOException e) {
                    failures.add(b.where() + ": a fragment that is not valid YAML: " + e.getMessage());
                }
                continue;
            }
            LoadResult r = loader.load(b.text(), b.file().getFileName() + "-" + b.line() + ".yml");
            if (first.startsWith("# invalid:")) {
                String expected = first.substring("# invalid:".length()).strip();
                boolean found = r.errors().stream().map(Problem::message).anyMatch(m -> m.contains(expected));
                if (!found) {
                    failures.add(b.where() + ": expected an error containing '" + expected + "', got: "
                            + (r.problems().isEmpty() ? "no problems" : r.report()));
                }
            } else if (r.hasErrors()) {
                failures.add(b.where() + ":\n" + r.report().indent(4));
            }
        }
        assertThat(failures).as("YAML blocks").isEmpty();
        count("yaml", yaml.size());
    }

    // ------------------------------------------------------------------------------------------------------ sh

    /**
     * Checks one CLI invocation from the docs. For now: the verb is one of the CLI's verbs. After the merge this is
     * the one method to change to run the line through the real command-line parser.
     *
     * @param args the words after {@code prodigy}
     * @return null when the line is fine, otherwise why not
     */
    static String checkCliLine(List<String> args) {
        try {
            io.prodigy.cli.Main.commandLine().parseArgs(args.toArray(String[]::new));
            return null;
        } catch (picocli.CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    /** Splits a command line into words the way a POSIX shell would for plain words and quoted strings. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !inWord) {
                break;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    @Test
    void shellBlocksUseTheCliVerbs() {
        List<Block> sh = of("sh");
        assertThat(sh).isNotEmpty();
        List<String> failures = new ArrayList<>();
        int invocations = 0;
        for (Block b : sh) {
            List<String> lines = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String l : b.text().lines().toList()) {
                String s = l.strip();
                if (s.endsWith("\\")) {
                    current.append(s, 0, s.length() - 1).append(' ');
                    continue;
                }
                current.append(s);
                lines.add(current.toString());
                current.setLength(0);
            }
            for (String l : lines) {
                String s = l.startsWith("$ ") ? l.substring(2) : l;
                if (!s.startsWith("prodigy ") && !s.startsWith("./prodigy ")) {
                    continue;
                }
                invocations++;
                List<String> words = shellWords(s);
                words.remove(0);
                String why = checkCliLine(words);
                if (why != null) {
                    failures.add(b.where() + ": " + s + ": " + why);
                }
            }
        }
        assertThat(failures).as("CLI lines").isEmpty();
        assertThat(invocations).as("prodigy invocations in the docs").isPositive();
        System.out.println("prodigy command lines checked: " + invocations);
        count("sh", sh.size());
    }

    // ----------------------------------------------------------------------------------------- json, jsonl, xml

    @Test
    void jsonAndXmlBlocksParse() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> failures = new ArrayList<>();
        for (Block b : of("json")) {
            try {
                json.readTree(b.text());
            } catch (IOException e) {
                failures.add(b.where() + ": " + e.getMessage());
            }
        }
        for (Block b : of("jsonl")) {
            for (String l : b.text().lines().filter(l -> !l.isBlank()).toList()) {
                try {
                    json.readTree(l);
                } catch (IOException e) {
                    failures.add(b.where() + ": " + e.getMessage());
                }
            }
        }
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        for (Block b : of("xml")) {
            try {
                dbf.newDocumentBuilder().parse(new InputSource(new StringReader(b.text())));
            } catch (org.xml.sax.SAXException e) {
                failures.add(b.where() + ": " + e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
        count("json", of("json").size());
        count("jsonl", of("jsonl").size());
        count("xml", of("xml").size());
        count("text (not checked)", of("text").size());
    }

    @Test
    void theExtractorFindsIndentedBlocksAndRejectsBareFences() {
        List<Block> b =
                parse(Path.of("x.md"), List.of("- item", "", "  ```yaml", "  a: 1", "  ```", "```", "plain", "```"));
        assertThat(b).extracting(Block::language).containsExactly("yaml", "");
        assertThat(b.get(0).text()).isEqualTo("a: 1\n");
        assertThat(checkCliLine(List.of("run", "wf.yml", "-y"))).isNull();
        assertThat(checkCliLine(List.of("-v", "dlq", "list"))).isNull();
        assertThat(checkCliLine(List.of("frobnicate"))).contains("frobnicate");
        assertThat(checkCliLine(List.of("run", "wf.yml", "--no-such-flag"))).contains("--no-such-flag");
        assertThat(shellWords("prodigy exec \"claude: /fix x\" --retry 2 # why"))
                .containsExactly("prodigy", "exec", "claude: /fix x", "--retry", "2");
    }
}
