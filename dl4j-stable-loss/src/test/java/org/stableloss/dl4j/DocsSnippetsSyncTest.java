package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in the documentation is code that a test compiles and runs.
 *
 * <h2>The marker convention</h2>
 * In any Markdown file of the repository (README.md, docs/*.md, samples/README.md, whoever writes it), a fenced block
 * whose language is {@code java} must be preceded (on the nearest non-blank line above the opening fence) by
 * <pre>
 *   &lt;!-- snippet: TestClass#testMethod --&gt;
 * </pre>
 * where {@code TestClass} is the simple name of a class under some module's {@code src/test/java} and
 * {@code testMethod} one of its {@code @Test} methods. The method's body must contain the snippet's code verbatim
 * up to whitespace (runs of spaces, tabs and line breaks compare equal, so indentation may differ); declarations
 * the snippet needs go before it in the method, checks after it. Put the snippet's code in the test first, run
 * it, then paste it into the page. README snippets live in {@link ReadmeSnippetsTest}, the docs' in
 * {@link DocsSnippetsTest}; a page's owner may use its own test class.
 *
 * <p>A marker without a Java block under it is an error too. Code that is not meant to compile (shell commands,
 * XML, output) uses another fence language or an indented block. docs/CONTRIBUTING-docs.md says the same for
 * writers.
 */
class DocsSnippetsSyncTest {

    static final Pattern MARKER = Pattern.compile("<!--\\s*snippet:\\s*([A-Za-z_$][\\w$]*)#([A-Za-z_$][\\w$]*)\\s*-->");

    @Test
    void everyJavaSnippetIsTheCodeOfATest() {
        Path root = RepoDocs.root();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path page : RepoDocs.files(root, ".md")) {
            String where = root.relativize(page).toString();
            for (RepoDocs.Fence fence : RepoDocs.fences(RepoDocs.read(page))) {
                if (!fence.language().toLowerCase(Locale.ROOT).equals("java")) {
                    continue;
                }
                Matcher m = MARKER.matcher(fence.precedingLine());
                if (!m.matches()) {
                    problems.add(where + ":" + fence.line() + ": Java snippet without a marker"
                            + " <!-- snippet: TestClass#testMethod --> on the line above");
                    continue;
                }
                String problem = check(root, m.group(1), m.group(2), fence.code());
                if (problem != null) {
                    problems.add(where + ":" + fence.line() + ": " + m.group() + ": " + problem);
                }
                checked++;
            }
        }
        assertTrue(problems.isEmpty(), "documentation snippets out of sync with their tests:\n"
                + String.join("\n", problems));
        assertTrue(checked >= 5, "expected the README's and the docs' Java snippets, checked " + checked);
    }

    @Test
    void everyMarkerSitsOnAJavaSnippet() {
        Path root = RepoDocs.root();
        List<String> orphans = new ArrayList<>();
        for (Path page : RepoDocs.files(root, ".md")) {
            String text = RepoDocs.read(page);
            List<String> marked = new ArrayList<>();
            for (RepoDocs.Fence fence : RepoDocs.fences(text)) {
                if (fence.language().equalsIgnoreCase("java")) {
                    marked.add(fence.precedingLine());
                }
            }
            String[] lines = RepoDocs.prose(text).split("\n", -1);    // markers shown as examples in code do not count
            for (int i = 0; i < lines.length; i++) {
                Matcher m = MARKER.matcher(lines[i]);
                if (m.find() && !marked.contains(lines[i].strip())) {
                    orphans.add(root.relativize(page) + ":" + (i + 1) + ": " + m.group());
                }
            }
        }
        assertTrue(orphans.isEmpty(), "snippet markers not directly above a ```java block:\n"
                + String.join("\n", orphans));
    }

    @Test
    void normalisationIgnoresOnlyWhitespace() {
        assertEquals("a.b( c, d); // e", normalise("  a.b(\n\t c,   d); // e \n"));
        assertTrue(normalise("x = 1;\n    y = 2;").contains(normalise("x = 1; y = 2;")));
    }

    /** Null when {@code TestClass#method} is a test whose body contains the snippet, else what is wrong. */
    private static String check(Path root, String testClass, String method, String snippet) {
        List<Path> sources = new ArrayList<>();
        for (Path p : RepoDocs.files(root, testClass + ".java")) {
            if (p.getFileName().toString().equals(testClass + ".java")
                    && root.relativize(p).toString().replace('\\', '/').contains("/src/test/java/")) {
                sources.add(p);
            }
        }
        if (sources.size() != 1) {
            return sources.isEmpty() ? "no test class " + testClass + " under */src/test/java"
                    : "several test classes named " + testClass + ": " + sources;
        }
        String source = RepoDocs.read(sources.get(0));
        Matcher signature = Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(source);
        if (!signature.find()) {
            return "no method " + method + " in " + root.relativize(sources.get(0));
        }
        int before = Math.max(source.lastIndexOf('}', signature.start()), source.lastIndexOf(';', signature.start()));
        if (!source.substring(before + 1, signature.start()).contains("@Test")) {
            return method + " is not annotated @Test";
        }
        String body = body(source, signature.end());
        if (body == null) {
            return "cannot find the body of " + method;
        }
        String code = normalise(snippet);
        if (code.isEmpty()) {
            return "empty snippet";
        }
        return normalise(body).contains(code) ? null
                : "the snippet is not in the body of " + testClass + "#" + method
                        + " (compared up to whitespace): edit both together";
    }

    /** The text between the method's braces: from the first '{' after {@code from} to its matching '}'. */
    private static String body(String source, int from) {
        int open = source.indexOf('{', from);
        if (open < 0) {
            return null;
        }
        int depth = 0;
        boolean inString = false;
        boolean inChar = false;
        boolean lineComment = false;
        boolean blockComment = false;
        for (int i = open; i < source.length(); i++) {
            char c = source.charAt(i);
            char next = i + 1 < source.length() ? source.charAt(i + 1) : '\0';
            if (lineComment) {
                lineComment = c != '\n';
            } else if (blockComment) {
                if (c == '*' && next == '/') {
                    blockComment = false;
                    i++;
                }
            } else if (inString || inChar) {
                if (c == '\\') {
                    i++;
                } else if ((inString && c == '"') || (inChar && c == '\'')) {
                    inString = false;
                    inChar = false;
                }
            } else if (c == '/' && next == '/') {
                lineComment = true;
            } else if (c == '/' && next == '*') {
                blockComment = true;
            } else if (c == '"') {
                inString = true;
            } else if (c == '\'') {
                inChar = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return source.substring(open + 1, i);
            }
        }
        return null;
    }

    static String normalise(String code) {
        return code.strip().replaceAll("\\s+", " ");
    }
}
