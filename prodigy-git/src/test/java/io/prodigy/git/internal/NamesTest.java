package io.prodigy.git.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void plainIdsStayReadable() {
        for (String id : List.of("item_0", "item_123", "fix-login", "a", "0", "_x", "run-20261125-101010-abcdef")) {
            assertThat(Names.safe(id)).isEqualTo(id);
        }
    }

    @Test
    void everythingElseBecomesAReadablePrefixAndAHash() {
        assertThat(Names.safe("src/Main.java")).matches("src-main-java-[0-9a-f]{16}");
        assertThat(Names.safe("../../x")).matches("x-[0-9a-f]{16}");
        assertThat(Names.safe("")).matches("x-[0-9a-f]{16}");
        assertThat(Names.safe("☃")).matches("x-[0-9a-f]{16}");
        assertThat(Names.safe("x".repeat(300))).hasSize(Names.MAX_PREFIX + 17);
    }

    @Test
    void namesAreSafePathSegmentsAndBranchComponentsWithoutDots() {
        List<String> hostile = List.of(
                "../../x",
                "a b",
                "refs/heads/x",
                "x".repeat(300),
                "ünïcødé/☃",
                "-rf",
                "x.lock",
                "@{-1}",
                "HEAD",
                "",
                "..",
                ".",
                "a\nb",
                "a\u0000b",
                "C:\\windows",
                "~user",
                "a*b?c[d]",
                "with.dots.");
        for (String id : hostile) {
            String name = Names.safe(id);
            assertThat(name)
                    .as(id)
                    .matches("[a-z0-9_][a-z0-9_-]*")
                    .doesNotEndWith("-")
                    .hasSizeLessThanOrEqualTo(Names.MAX_PLAIN);
        }
    }

    @Test
    void differentIdsGiveDifferentNamesEvenWhenTheyOnlyDifferInCaseOrLookHashed() {
        String hashedLooking = Names.safe("a b");
        List<String> ids = List.of(
                "A",
                "a",
                "a b",
                "a-b",
                "a_b",
                "a.b",
                hashedLooking,
                "src/x",
                "src-x",
                "Src/X",
                "x".repeat(65),
                "x".repeat(66));
        Set<String> names = new HashSet<>();
        Set<String> lowerNames = new HashSet<>();
        for (String id : ids) {
            String n = Names.safe(id);
            assertThat(names.add(n)).as("unique: " + id + " -> " + n).isTrue();
            assertThat(lowerNames.add(n.toLowerCase(Locale.ROOT)))
                    .as("unique ignoring case: " + id)
                    .isTrue();
        }
        assertThat(Names.safe(hashedLooking)).isNotEqualTo(hashedLooking);
    }

    @Test
    void manyPathLikeIdsDoNotCollide() {
        Set<String> names = new HashSet<>(400_000);
        for (int i = 0; i < 300_000; i++) {
            assertThat(names.add(Names.safe("src/module" + (i % 97) + "/File" + i + ".java")))
                    .isTrue();
        }
    }

    @Test
    void printableFormsAreOneLine() {
        assertThat(Names.printable("a\nb\rc\u0000")).isEqualTo("a?b?c?");
        assertThat(Names.printable("y".repeat(300))).hasSize(203).endsWith("...");
    }

    @Test
    void pathsAreQuotedForTheShellWhenNeeded() {
        assertThat(Names.shellQuote("/tmp/plain-path_1.txt")).isEqualTo("/tmp/plain-path_1.txt");
        assertThat(Names.shellQuote("/tmp/it's here")).isEqualTo("'/tmp/it'\\''s here'");
    }
}
