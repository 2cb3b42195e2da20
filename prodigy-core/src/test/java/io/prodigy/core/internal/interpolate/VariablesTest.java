package io.prodigy.core.internal.interpolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VariablesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void undefinedResolvesToMissingNodeNeverNull() {
        Variables vars = Variables.root(Map.of());

        assertThat(vars.resolve("nope")).isSameAs(MissingNode.getInstance());
        assertThat(vars.resolve("a.b[3].c")).isSameAs(MissingNode.getInstance());
        assertThat(vars.resolve("not a path")).isSameAs(MissingNode.getInstance());
        assertThat(vars.isDefined("nope")).isFalse();
    }

    @Test
    void childReadsThroughToParentAndWritesStayInTheChild() {
        Variables root = Variables.root(Map.of());
        root.putString("shared", "root");
        root.putString("name", "root");
        Variables child = root.child();

        child.putString("name", "child");
        child.putString("own", "x");

        assertThat(child.resolve("shared").textValue()).isEqualTo("root");
        assertThat(child.resolve("name").textValue()).isEqualTo("child");
        assertThat(root.resolve("name").textValue()).isEqualTo("root");
        assertThat(root.isDefined("own")).isFalse();
        assertThat(child.local()).containsOnlyKeys("name", "own");
        assertThat(child.flatten()).containsOnlyKeys("name", "own", "shared");
        assertThat(child.flatten().get("name")).isEqualTo(TextNode.valueOf("child"));
        assertThat(child.flatten().keySet()).containsExactly("name", "own", "shared");
    }

    @Test
    void snapshotsDoNotChangeWithLaterWrites() {
        Variables vars = Variables.root(Map.of());
        vars.putString("a", "1");
        Map<String, JsonNode> local = vars.local();
        Map<String, JsonNode> flat = vars.flatten();

        vars.putString("b", "2");

        assertThat(local).containsOnlyKeys("a");
        assertThat(flat).containsOnlyKeys("a");
        assertThatThrownBy(() -> flat.put("c", NullNode.getInstance()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void walksObjectsAndArrays() throws Exception {
        Variables vars = Variables.root(Map.of());
        vars.put("item", json("{\"name\":\"a\",\"tags\":[\"x\",\"y\"],\"meta\":{\"deep\":[{\"k\":7}]}}"));

        assertThat(vars.resolve("item.name").textValue()).isEqualTo("a");
        assertThat(vars.resolve("item.tags[1]").textValue()).isEqualTo("y");
        assertThat(vars.resolve("item.tags.0").textValue()).isEqualTo("x");
        assertThat(vars.resolve("item.meta.deep[0].k").intValue()).isEqualTo(7);
        assertThat(vars.resolve("item.tags[2]").isMissingNode()).isTrue();
        assertThat(vars.resolve("item.name.more").isMissingNode()).isTrue();
        assertThat(vars.resolve("item[0]").isMissingNode()).isTrue();
    }

    @Test
    void dottedFlatNamesWinOverWalking() throws Exception {
        Variables root = Variables.root(Map.of());
        root.put("map.total", IntNode.valueOf(10));
        Variables child = root.child();
        child.put("map", json("{\"total\": 99, \"other\": 1}"));

        assertThat(child.resolve("map.total").intValue()).isEqualTo(10);
        assertThat(child.resolve("map.other").intValue()).isEqualTo(1);
    }

    @Test
    void longestFlatPrefixIsWalkedAndShorterPrefixesAreTriedWhenItHasNothing() throws Exception {
        Variables vars = Variables.root(Map.of());
        vars.put("item.meta", json("{\"x\": \"from flat\"}"));
        vars.put("item", json("{\"meta\": {\"x\": \"from object\", \"y\": \"only here\"}}"));

        assertThat(vars.resolve("item.meta.x").textValue()).isEqualTo("from flat");
        assertThat(vars.resolve("item.meta.y").textValue()).isEqualTo("only here");
    }

    @Test
    void walksIntoStringsThatHoldJson() {
        Variables vars = Variables.root(Map.of());
        vars.putString("item.meta", " {\"size\": 3, \"files\": [\"a.txt\"]}");
        vars.putString("shell.output", "[1, {\"ok\": true}]");
        vars.putString("plain", "{not json");

        assertThat(vars.resolve("item.meta.size").intValue()).isEqualTo(3);
        assertThat(vars.resolve("item.meta.files[0]").textValue()).isEqualTo("a.txt");
        assertThat(vars.resolve("shell.output[1].ok").booleanValue()).isTrue();
        assertThat(vars.resolve("plain.x").isMissingNode()).isTrue();
        assertThat(vars.resolve("plain").textValue()).isEqualTo("{not json");
    }

    @Test
    void environmentIsTheLastFallbackForPlainNamesOnly() {
        Variables root = Variables.root(Map.of("HOME", "/home/me", "SHADOWED", "env"));
        Variables child = root.child();
        child.putString("SHADOWED", "variable");

        assertThat(child.resolve("HOME").textValue()).isEqualTo("/home/me");
        assertThat(child.resolve("SHADOWED").textValue()).isEqualTo("variable");
        assertThat(child.resolve("HOME.x").isMissingNode()).isTrue();
        assertThat(child.resolve("home").isMissingNode()).isTrue();
        assertThat(child.flatten()).doesNotContainKey("HOME");
    }

    @Test
    void nullIsDefined() {
        Variables vars = Variables.root(Map.of());
        vars.put("n", null);
        vars.putString("s", null);

        assertThat(vars.isDefined("n")).isTrue();
        assertThat(vars.resolve("n").isNull()).isTrue();
        assertThat(vars.resolve("s").isNull()).isTrue();
    }

    @Test
    void namesThatAreNotPathsAreLookedUpAsTheyAre() {
        Variables vars = Variables.root(Map.of("MY-VAR", "env"));
        vars.putString("my var", "spaced");

        assertThat(vars.resolve("my var").textValue()).isEqualTo("spaced");
        assertThat(vars.resolve("MY-VAR").textValue()).isEqualTo("env");
    }

    @Test
    void putAllAndNameValidation() {
        Variables vars = Variables.root(Map.of());
        vars.putAll(Map.of("a", IntNode.valueOf(1), "b.c", TextNode.valueOf("x")));

        assertThat(vars.local()).containsOnlyKeys("a", "b.c");
        assertThatThrownBy(() -> vars.putString("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> vars.putString(null, "x")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void readersSeeConsistentValuesWhileAWriterWrites() throws Exception {
        Variables root = Variables.root(Map.of());
        root.putString("constant", "c");
        int writes = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?> writer = pool.submit(() -> {
                await(start);
                for (int i = 0; i < writes; i++) {
                    root.put("k" + i, IntNode.valueOf(i));
                }
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    await(start);
                    Variables item = root.child();
                    int i = 0;
                    while (!writer.isDone()) {
                        item.putString("item", "x" + i);
                        assertThat(item.resolve("item").textValue()).isEqualTo("x" + i);
                        assertThat(item.resolve("constant").textValue()).isEqualTo("c");
                        JsonNode written = item.resolve("k" + (i % writes));
                        assertThat(written.isMissingNode() || written.intValue() == i % writes)
                                .isTrue();
                        i++;
                    }
                }));
            }
            start.countDown();
            writer.get(30, TimeUnit.SECONDS);
            for (Future<?> reader : readers) {
                reader.get(30, TimeUnit.SECONDS);
            }
            assertThat(root.child().resolve("k" + (writes - 1)).intValue()).isEqualTo(writes - 1);
            assertThat(root.local()).hasSize(writes + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
