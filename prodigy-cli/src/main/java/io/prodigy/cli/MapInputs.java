package io.prodigy.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The inputs of {@code run --map PATTERN}, as the Rust tool takes them: the files matching the glob, each turned
 * into the part of its file name before the first {@code -} (so {@code specs/65-cook-refactor.md} gives
 * {@code 65}), or the whole name without its extension.
 */
final class MapInputs {
    private MapInputs() {}

    /**
     * @param base the directory relative patterns start in
     * @param pattern a glob such as {@code specs/*.md} or {@code src/**}{@code /*.rs}
     * @return the inputs, in path order; empty when nothing matches
     */
    static List<String> of(Path base, String pattern) {
        return files(base, pattern).stream().map(MapInputs::inputOf).toList();
    }

    /** @return the regular files matching the pattern, sorted */
    static List<Path> files(Path base, String pattern) {
        int firstGlob = firstGlobChar(pattern);
        String fixed = firstGlob < 0 ? pattern : pattern.substring(0, firstGlob);
        int slash = fixed.lastIndexOf('/');
        Path root = base.resolve(slash < 0 ? "" : fixed.substring(0, slash + 1)).normalize();
        String rest = slash < 0 ? pattern : pattern.substring(slash + 1);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> out = new ArrayList<>();
            walk.filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(root.relativize(p)))
                    .sorted()
                    .forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + " for --map " + pattern, e);
        }
    }

    /** @param file a matched file @return its input: the file name up to the first '-', or without extension */
    static String inputOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        int dash = stem.indexOf('-');
        return dash >= 0 ? stem.substring(0, dash) : stem;
    }

    private static int firstGlobChar(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }
}
