package io.prodigy.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal's item list read element by element: the same values as parsing it whole, and errors kept. */
class LazyJsonArrayTest {
    private static List<JsonNode> whole(String text) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Json.parse(text).forEach(out::add);
        return out;
    }

    @Test
    void everyElementIsTheOneParsingTheWholeArrayGives() throws Exception {
        String text = " [ 0, -1.5e3 ,\"a,b]}\" , \"q\\\"uote\\\\\" ,{\"k\":[1,{\"x\":\"]\"}],\"e\":{}},[],[[\"[\"]],"
                + "null,true,false,\"\\u00e9\u20ac\",12345678901234567890, {} ]\n";
        LazyJsonArray lazy = LazyJsonArray.of(text);
        assertThat(lazy).hasSize(whole(text).size()).containsExactlyElementsOf(whole(text));
        assertThat(lazy.get(3).textValue()).isEqualTo("q\"uote\\");
        assertThat(lazy.get(2)).as("read twice: the same node").isSameAs(lazy.get(2));
    }

    @Test
    void writtenItemsComeBackAsWritten() throws Exception {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            sb.append(i == 0 ? "" : ",").append(i % 3 == 0 ? "{\"n\":" + i + ",\"s\":\"x" + i + "\"}" : "" + i);
        }
        String text = sb.append(']').toString();
        LazyJsonArray lazy = LazyJsonArray.of(text);
        assertThat(lazy).hasSize(1000);
        assertThat(lazy.get(999)).isEqualTo(whole(text).get(999));
        assertThat(Json.write(lazy.get(3))).isEqualTo("{\"n\":3,\"s\":\"x3\"}");
        assertThat(LazyJsonArray.of("[]")).isEmpty();
        assertThat(LazyJsonArray.of(" [ \n ] ")).isEmpty();
    }

    @Test
    void aBrokenStructureIsRefusedAtOnce() {
        for (String bad : List.of(
                "", "{}", "[", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "[\"open]", "[{\"a\":[1]]", "[1]x", "[[1]")) {
            assertThatThrownBy(() -> LazyJsonArray.of(bad))
                    .as(bad)
                    .isInstanceOf(LazyJsonArray.MalformedArrayException.class);
        }
    }

    @Test
    void anInvalidElementFailsWhenReadAndOnlyThen() {
        LazyJsonArray lazy = LazyJsonArray.of("[1,tru,{\"a\"],3]");
        assertThat(lazy).hasSize(4);
        assertThat(lazy.get(0).intValue()).isEqualTo(1);
        assertThat(lazy.get(3).intValue()).isEqualTo(3);
        assertThatThrownBy(() -> lazy.get(1))
                .isInstanceOf(LazyJsonArray.MalformedArrayException.class)
                .hasMessageContaining("element 1");
        assertThatThrownBy(() -> lazy.get(2)).isInstanceOf(LazyJsonArray.MalformedArrayException.class);
    }
}
