package io.prodigy.core.internal.interpolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.prodigy.api.InterpolationException;
import io.prodigy.core.internal.interpolate.Interpolator.Quoting;
import io.prodigy.core.internal.interpolate.Interpolator.Template;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Syntax, lookup and rendering of values; shell placement is covered by {@link ShellPlacementTest}. */
class InterpolatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Variables vars = Variables.root(Map.of("HOME", "/home/me"));

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private String plain(String template) {
        return Interpolator.interpolate(template, vars, Quoting.NONE, "step 1 'test'");
    }

    private String shell(String template) {
        return Interpolator.interpolate(template, vars, Quoting.SHELL, "step 1 'test'");
    }

    @Test
    void templateWithoutDollarIsReturnedAsItIs() {
        String template = "echo hello";

        assertThat(Interpolator.interpolate(template, vars, Quoting.SHELL, null))
                .isSameAs(template);
    }

    @Test
    void noneQuotingInsertsValuesAsTheyAre() {
        vars.putString("v", "it's \"$(x)\" `y` \\ ; *");

        assertThat(plain("value: ${v}!")).isEqualTo("value: it's \"$(x)\" `y` \\ ; *!");
        assertThat(plain("'${v}' \"${v}\"")).isEqualTo("'it's \"$(x)\" `y` \\ ; *' \"it's \"$(x)\" `y` \\ ; *\"");
    }

    @Test
    void shellQuotingQuotesByPlacement() {
        vars.putString("v", "a'b");

        assertThat(shell("echo ${v}")).isEqualTo("echo 'a'\\''b'");
        assertThat(shell("echo '${v}'")).isEqualTo("echo 'a'\\''b'");
        assertThat(shell("echo \"${v}\"")).isEqualTo("echo \"a'b\"");
        assertThat(shell("echo x${v}y")).isEqualTo("echo x'a'\\''b'y");
    }

    @Test
    void nestedPathsIndexesAndFlatDottedNames() throws Exception {
        vars.put("item", json("{\"name\":\"n\",\"tags\":[\"t0\",\"t1\"],\"meta\":{\"size\":3}}"));
        vars.put("map.total", IntNode.valueOf(12));
        vars.put("map.results", json("[{\"item_id\":\"item_0\"}]"));

        assertThat(plain("${item.name} ${item.tags[1]} ${item.meta.size} ${map.total} ${map.results[0].item_id}"))
                .isEqualTo("n t1 3 12 item_0");
    }

    @Test
    void fieldsAfterTheFirstSegmentMayHoldHyphensAndLetters() throws Exception {
        vars.put("item", json("{\"file-path\": \"a.txt\", \"n\u00e4me\": \"x\"}"));
        vars.putString("x", "X");

        assertThat(plain("${item.file-path} ${item.n\u00e4me} ${x-default}")).isEqualTo("a.txt x ${x-default}");
    }

    @Test
    void walksIntoJsonHeldInStrings() {
        vars.putString("item.meta", "{\"owner\":{\"login\":\"octo\"}}");

        assertThat(plain("${item.meta.owner.login}")).isEqualTo("octo");
    }

    @Test
    void rendersValuesByType() throws Exception {
        vars.put("int", IntNode.valueOf(42));
        vars.put("long", LongNode.valueOf(-9_000_000_000L));
        vars.put("whole", DoubleNode.valueOf(3.0));
        vars.put("fraction", DoubleNode.valueOf(2.5));
        vars.put("decimal", DecimalNode.valueOf(new BigDecimal("10.500")));
        vars.put("wholeDecimal", DecimalNode.valueOf(new BigDecimal("1.0E+3")));
        vars.put("yes", BooleanNode.TRUE);
        vars.put("none", NullNode.getInstance());
        vars.put("strings", json("[\"a\", \"b c\"]"));
        vars.put("empty", json("[]"));
        vars.put("mixed", json("[\"a\", 1, null]"));
        vars.put("object", json("{ \"a\" : 1, \"b\" : [true, \"x\"] }"));

        assertThat(plain("${int}|${long}|${whole}|${fraction}|${decimal}|${wholeDecimal}|${yes}|${none}"))
                .isEqualTo("42|-9000000000|3|2.5|10.500|1000|true|");
        assertThat(plain("${strings}|${empty}|${mixed}|${object}"))
                .isEqualTo("a, b c||[\"a\",1,null]|{\"a\":1,\"b\":[true,\"x\"]}");
        assertThat(shell("echo ${object}")).isEqualTo("echo '{\"a\":1,\"b\":[true,\"x\"]}'");
    }

    @Test
    void wholeItemRendersAsCompactJson() throws Exception {
        vars.put("item", json("{\"path\": \"src/a b.rs\", \"score\": 7}"));

        assertThat(plain("${item}")).isEqualTo("{\"path\":\"src/a b.rs\",\"score\":7}");
    }

    @Test
    void defaultsApplyWhenUndefinedOrNull() {
        vars.put("nothing", NullNode.getInstance());
        vars.putString("empty", "");
        vars.putString("set", "value");

        assertThat(plain("[${missing:-fallback}]")).isEqualTo("[fallback]");
        assertThat(plain("[${missing:-}]")).isEqualTo("[]");
        assertThat(plain("[${nothing:-for null}]")).isEqualTo("[for null]");
        assertThat(plain("[${empty:-unused}]")).isEqualTo("[]");
        assertThat(plain("[${set:-unused}]")).isEqualTo("[value]");
        assertThat(plain("[${missing:-a:-b c}]")).isEqualTo("[a:-b c]");
        assertThat(plain("[${item.deep[2].x:-d}]")).isEqualTo("[d]");
        assertThat(shell("echo ${missing:-a b} ${missing:-}")).isEqualTo("echo 'a b' ''");
    }

    @Test
    void nullWithoutDefaultRendersEmpty() {
        vars.put("nothing", NullNode.getInstance());

        assertThat(plain("[${nothing}]")).isEqualTo("[]");
        assertThat(shell("echo ${nothing}")).isEqualTo("echo ''");
    }

    @Test
    void environmentIsTheFallbackForBracedPlainNamesAndTheShellExpandsItsOwn() {
        assertThat(plain("${HOME}/x")).isEqualTo("/home/me/x");
        // not a workflow variable: the shell's own, expanded by the shell from its environment
        assertThat(shell("cd ${HOME}")).isEqualTo("cd ${HOME}");
    }

    @Test
    void exportedVariablesAreLeftToTheShellOutsideSingleQuotes() {
        vars.putExported("FLAGS", "--release --all");
        vars.putString("msg", "a b");

        assertThat(shell("cargo test $FLAGS ${FLAGS} \"${FLAGS}\" ${msg}"))
                .isEqualTo("cargo test $FLAGS ${FLAGS} \"${FLAGS}\" 'a b'");
        assertThat(shell("echo '${FLAGS}'")).isEqualTo("echo '--release --all'");
        assertThat(plain("flags: ${FLAGS}")).isEqualTo("flags: --release --all");
        Variables child = vars.child();
        child.putString("FLAGS", "own value");
        assertThat(Interpolator.interpolate("echo ${FLAGS}", child, Quoting.SHELL, null))
                .isEqualTo("echo 'own value'");
    }

    @Test
    void promptsKeepUndefinedVariablesAsWritten() {
        vars.putString("known", "k");

        assertThat(Interpolator.interpolate("/fix ${known} ${SPEC_ID} ${item.path} $X", vars, Quoting.PROMPT, null))
                .isEqualTo("/fix k ${SPEC_ID} ${item.path} $X");
    }

    @Test
    void shortFormIsReplacedOnlyForDefinedVariables() {
        vars.putString("ARG", "first arg");
        vars.putString("1", "one");

        assertThat(plain("$ARG $1 $2 $UNDEFINED $HOME $ARGS")).isEqualTo("first arg one $2 $UNDEFINED $HOME $ARGS");
        assertThat(shell("echo $ARG $1 $2 \"$ARG\" $HOME")).isEqualTo("echo 'first arg' 'one' $2 \"first arg\" $HOME");
        assertThat(plain("$ARG.txt $10")).isEqualTo("first arg.txt one0");
    }

    @Test
    void dollarDollarIsKeptAndEscapesABrace() {
        vars.putString("x", "X");

        assertThat(plain("$$ $${x} $$x")).isEqualTo("$$ ${x} $$x");
        assertThat(shell("echo $$ $${x} $${x:-d}")).isEqualTo("echo $$ ${x} ${x:-d}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "${x%%.*}", "${#arr}", "${x/a/b}", "${x-default}", "${!ref}", "${x:0:2}", "${ x }", "${x:=y}",
                "${x:+y}", "${arr[@]}", "${x^^}", "${}", "${item..x}", "${item.}", "${x:-$(pwd)}", "${x:-`pwd`}",
                "${1x}", "${-x}", "$", "a$", "${unterminated"
            })
    void textThatIsNotAPlaceholderIsLeftVerbatim(String template) {
        vars.putString("x", "X");

        assertThat(plain(template)).isEqualTo(template);
        assertThat(shell(template)).isEqualTo(template);
    }

    @Test
    void rawInsertsTheValueUnquoted() {
        vars.putString("cmd", "ls -la | wc -l");

        assertThat(shell("${cmd|raw}")).isEqualTo("ls -la | wc -l");
        assertThat(shell("echo \"${cmd|raw}\"")).isEqualTo("echo \"ls -la | wc -l\"");
        assertThat(shell("${missing:-true && false|raw}")).isEqualTo("true && false");
        assertThat(shell("${missing|raw:-a;b}")).isEqualTo("a;b");
        assertThat(plain("${cmd|raw}")).isEqualTo("ls -la | wc -l");
    }

    @Test
    void undefinedVariableNamesTheVariableTheStepAndWhatIsAvailable() throws Exception {
        vars.put("item", json("{\"name\": \"n\", \"path\": \"p\"}"));
        vars.putString("item_id", "item_0");

        assertThatThrownBy(() -> Interpolator.interpolate(
                        "echo ${item.nme}", vars, Quoting.SHELL, "step 2 'shell: echo ${item.nme}'"))
                .isInstanceOfSatisfying(InterpolationException.class, e -> {
                    assertThat(e.variable()).isEqualTo("item.nme");
                    assertThat(e.getMessage())
                            .isEqualTo("Undefined variable 'item.nme' in step 2 'shell: echo"
                                    + " ${item.nme}'. Did you mean 'item.name'? Available: item, item.name, item.path,"
                                    + " item_id.");
                });
    }

    @Test
    void undefinedPlainNamesBelongToTheShellButOurRootsStayOurs() {
        assertThat(shell("pct=5; echo ${pct}% ${HOMe}")).isEqualTo("pct=5; echo ${pct}% ${HOMe}");
        assertThatThrownBy(() -> shell("echo ${item}"))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("Undefined variable 'item' in step 1 'test'.");
        assertThatThrownBy(() -> shell("echo ${tests.output}"))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("Undefined variable 'tests.output'");
        assertThatThrownBy(() -> plain("${f}"))
                .isInstanceOf(InterpolationException.class)
                .hasMessageContaining("To keep ${f} as literal text, write $${f}.");
    }

    @Test
    void availableListIsCappedAndSorted() {
        for (int i = 0; i < 30; i++) {
            vars.putString(String.format("v%02d", i), "x");
        }

        assertThatThrownBy(() -> Interpolator.interpolate("${zzz}", vars, Quoting.NONE, null))
                .isInstanceOf(InterpolationException.class)
                .hasMessageStartingWith("Undefined variable 'zzz'. Available: v00, v01,")
                .hasMessageContaining("v19 and 10 more.")
                .hasMessageNotContaining("v20")
                .hasMessageNotContaining("Did you mean");
    }

    @Test
    void lookupSeesLaterWritesThroughACompiledTemplate() {
        Template template = Interpolator.compile("echo ${item.name} $COUNT");
        Variables item = vars.child();
        item.putString("item.name", "first");

        assertThat(template.render(item, Quoting.SHELL, null)).isEqualTo("echo 'first' $COUNT");
        item.putString("item.name", "second");
        item.putString("COUNT", "2");
        assertThat(template.render(item, Quoting.SHELL, null)).isEqualTo("echo 'second' '2'");
        assertThat(template.render(item, Quoting.NONE, null)).isEqualTo("echo second 2");
        assertThat(template.source()).isEqualTo("echo ${item.name} $COUNT");
        assertThat(Interpolator.interpolate(template.source(), item, Quoting.SHELL, null))
                .isEqualTo("echo 'second' '2'");
    }

    @Test
    void editDistanceSuggestionsStayClose() {
        assertThat(Renderer.closest("item.nme", java.util.List.of("item.name", "item_id")))
                .isEqualTo("item.name");
        assertThat(Renderer.closest("x", java.util.List.of("item"))).isNull();
        assertThat(Renderer.closest("totally", java.util.List.of("item.name"))).isNull();
    }
}
