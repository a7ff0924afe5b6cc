package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Every relative link in the repository's documentation resolves, anchors included.
 *
 * <ul>
 *   <li>Markdown files (every {@code *.md} outside build output: README.md, docs/, module READMEs): inline links and
 *       images {@code [text](target)}, {@code ![alt](target)}, and HTML {@code href}/{@code src} attributes. A
 *       target is a file or directory relative to the page; {@code #anchor} (alone or after a {@code .md} target)
 *       must be a heading of that page under GitHub's slug rules ({@link #slugs}) or an explicit
 *       {@code <a id>}/{@code <a name>}. Links inside code (fenced, indented, or in backticks) are not links.</li>
 *   <li>Repository paths named in text ({@code docs/...}, {@code samples/...}, {@code scale-out/...},
 *       {@code benchmarks/...}, {@code dl4j-stable-loss/...}, {@code .ci/...}) in Markdown, Java sources (javadoc
 *       and comments) and shell scripts must exist relative to the repository root; paths under a {@code target/}
 *       directory (build output) and paths with wildcards are not checked.</li>
 *   <li>Javadoc {@code <a href="...">} with a relative target resolves against the repository root.</li>
 * </ul>
 * Absolute URLs (http, https, mailto) are not fetched.
 */
class DocsLinksTest {

    private static final Pattern MD_LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern HTML_LINK = Pattern.compile("(?:href|src)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern REPO_PATH = Pattern.compile(
            "(?<![\\w/.\\-])(?:docs|samples|scale-out|benchmarks|dl4j-stable-loss|\\.ci)/[\\w./\\-]*[\\w/]");

    @Test
    void relativeLinksInMarkdownResolve() {
        Path root = RepoDocs.root();
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<Path> pages = RepoDocs.files(root, ".md");
        assertTrue(pages.size() >= 8, "expected README.md, docs/*.md and module READMEs, found " + pages);
        for (Path page : pages) {
            String prose = RepoDocs.prose(RepoDocs.read(page));
            String[] lines = prose.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                List<String> targets = new ArrayList<>();
                collect(MD_LINK, lines[i], targets);
                collect(HTML_LINK, lines[i], targets);
                for (String target : targets) {
                    String problem = check(root, page, target, anchors);
                    if (problem != null) {
                        broken.add(root.relativize(page) + ":" + (i + 1) + ": " + target + ": " + problem);
                    }
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    @Test
    void repositoryPathsNamedInDocsSourcesAndScriptsExist() {
        Path root = RepoDocs.root();
        List<String> missing = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        files.addAll(RepoDocs.files(root, ".md"));
        files.addAll(RepoDocs.files(root, ".java"));
        files.addAll(RepoDocs.files(root, ".sh"));
        files.add(root.resolve(".ci/run"));
        for (Path file : files) {
            String[] lines = RepoDocs.read(file).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = REPO_PATH.matcher(lines[i]);
                while (m.find()) {
                    String path = m.group();
                    if (path.contains("/target/") || path.startsWith("target/") || path.contains("*")
                            || path.contains("...")) {
                        continue;
                    }
                    if (!Files.exists(root.resolve(path))) {
                        missing.add(root.relativize(file) + ":" + (i + 1) + ": " + path);
                    }
                }
                Matcher href = HTML_LINK.matcher(lines[i]);
                while (file.toString().endsWith(".java") && href.find()) {
                    String target = href.group(1);
                    if (!isAbsolute(target) && !target.startsWith("#") && !target.contains("...")) {
                        String path = decode(target.split("#", 2)[0]);
                        if (!Files.exists(root.resolve(path))) {
                            missing.add(root.relativize(file) + ":" + (i + 1) + ": href " + target);
                        }
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "paths that do not exist:\n" + String.join("\n", missing));
    }

    @Test
    void slugsFollowGitHubRules() {
        List<String> slugs = new ArrayList<>(slugs(String.join("\n",
                "# Troubleshooting",
                "## The JVM flag `--add-modules jdk.incubator.vector`",
                "## `OMP_NUM_THREADS`",
                "## Looking up embeddings: not with `sd.gather`",
                "## Tag embeddings on Debian's Debtags",
                "## Cold-allocation micro-benchmarks (historical)",
                "## See [the page](other.md) *now*",
                "## Results",
                "## Results",
                "```",
                "## not a heading inside a fence",
                "```",
                "<a id=\"custom\"></a>")));
        assertEquals(List.of("troubleshooting", "the-jvm-flag---add-modules-jdkincubatorvector", "omp_num_threads",
                "looking-up-embeddings-not-with-sdgather", "tag-embeddings-on-debians-debtags",
                "cold-allocation-micro-benchmarks-historical", "see-the-page-now", "results", "results-1", "custom"),
                slugs);
    }

    private static void collect(Pattern pattern, String line, List<String> out) {
        Matcher m = pattern.matcher(line);
        while (m.find()) {
            out.add(m.group(1));
        }
    }

    private static boolean isAbsolute(String target) {
        return target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    }

    private static String decode(String path) {
        return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Null when the link resolves, else what is wrong. */
    private static String check(Path root, Path page, String target, Map<Path, Set<String>> anchors) {
        if (isAbsolute(target)) {
            return null;
        }
        String[] parts = target.split("#", 2);
        String pathPart = decode(parts[0]);
        Path file = pathPart.isEmpty() ? page : page.getParent().resolve(pathPart).normalize();
        if (!file.startsWith(root)) {
            return "points outside the repository";
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (parts.length == 1 || parts[1].isEmpty()) {
            return null;
        }
        if (!file.toString().endsWith(".md")) {
            return "anchor on a file that is not Markdown";
        }
        Set<String> known = anchors.computeIfAbsent(file, f -> slugs(RepoDocs.read(f)));
        String anchor = decode(parts[1]);
        return known.contains(anchor) ? null : "no heading with anchor #" + anchor + " (has " + known + ")";
    }

    /**
     * The anchors GitHub gives a Markdown page: one per heading outside code blocks (text lower-cased, Markdown
     * markup and punctuation other than '-' and '_' removed, spaces turned into '-', a repeated slug suffixed -1,
     * -2, ...), plus explicit {@code <a id>} and {@code <a name>} anchors.
     */
    static Set<String> slugs(String markdown) {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : markdown.split("\n", -1)) {
            if (RepoDocs.isFence(line)) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            Matcher anchor = HTML_ANCHOR.matcher(line);
            while (anchor.find()) {
                out.add(anchor.group(1));
            }
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) {
                continue;
            }
            String base = slug(h.group(2));
            int n = seen.merge(base, 1, Integer::sum) - 1;
            out.add(n == 0 ? base : base + "-" + n);
        }
        return out;
    }

    private static String slug(String heading) {
        String text = heading
                .replaceAll("!\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replace("*", "");
        StringBuilder sb = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') {
                sb.append('-');
            } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
