package org.stableloss.dl4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The repository's Markdown and source files, for the documentation checks ({@link DocsLinksTest},
 * {@link DocsSnippetsSyncTest}). */
final class RepoDocs {

    /** Directories never scanned: build output, VCS and tool state. */
    private static final Set<String> SKIPPED_DIRS = Set.of("target", ".git", ".mvn", ".idea", "node_modules",
            ".ipynb_checkpoints");

    private RepoDocs() {
    }

    /** The repository root: the nearest directory above the working directory holding both pom.xml and README.md. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("README.md")) && Files.isRegularFile(d.resolve("pom.xml"))
                    && Files.isDirectory(d.resolve("dl4j-stable-loss"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root above " + dir);
    }

    /** Every file under the root whose name ends with {@code suffix}, skipping build output; sorted. */
    static List<Path> files(Path root, String suffix) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(Files::isRegularFile)
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (SKIPPED_DIRS.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A line that opens or closes a fenced code block: at most 3 spaces, then three backticks (CommonMark). */
    static boolean isFence(String line) {
        return line.matches("^ {0,3}```.*");
    }

    /** One fenced code block of a Markdown file. */
    record Fence(String language, String code, int line, String precedingLine) {
    }

    /**
     * The fenced code blocks (```lang ... ```) of a Markdown text, with the 1-based line of the opening fence and the
     * nearest non-blank line above it.
     */
    static List<Fence> fences(String markdown) {
        List<Fence> out = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!isFence(lines[i])) {
                continue;
            }
            String language = lines[i].strip().substring(3).strip();
            StringBuilder code = new StringBuilder();
            int j = i + 1;
            while (j < lines.length && !isFence(lines[j])) {
                code.append(lines[j]).append('\n');
                j++;
            }
            String preceding = "";
            for (int k = i - 1; k >= 0; k--) {
                if (!lines[k].isBlank()) {
                    preceding = lines[k].strip();
                    break;
                }
            }
            out.add(new Fence(language, code.toString(), i + 1, preceding));
            i = j;
        }
        return out;
    }

    /**
     * The Markdown text with fenced blocks, indented code blocks after a blank line, and inline code spans blanked
     * out (replaced by spaces, so that line numbers stay), so that links are only looked for in prose.
     */
    static String prose(String markdown) {
        String[] lines = markdown.split("\n", -1);
        StringBuilder out = new StringBuilder();
        boolean inFence = false;
        boolean previousBlankOrCode = true;
        for (String line : lines) {
            boolean fenceLine = isFence(line);
            boolean code;
            if (fenceLine) {
                inFence = !inFence;
                code = true;
            } else if (inFence) {
                code = true;
            } else {
                code = previousBlankOrCode && line.startsWith("    ") && !line.strip().startsWith("*")
                        && !line.strip().startsWith("-") && !line.strip().matches("^\\d+\\..*");
            }
            out.append(code ? " ".repeat(line.length()) : blankInlineCode(line)).append('\n');
            previousBlankOrCode = line.isBlank() || (code && !fenceLine && !inFence);
        }
        return out.toString();
    }

    private static String blankInlineCode(String line) {
        StringBuilder sb = new StringBuilder(line);
        int i = 0;
        while (true) {
            int start = line.indexOf('`', i);
            if (start < 0) {
                break;
            }
            int ticks = 1;
            while (start + ticks < line.length() && line.charAt(start + ticks) == '`') {
                ticks++;
            }
            int end = line.indexOf("`".repeat(ticks), start + ticks);
            if (end < 0) {
                break;
            }
            for (int k = start; k < end + ticks; k++) {
                sb.setCharAt(k, ' ');
            }
            i = end + ticks;
        }
        return sb.toString();
    }
}
