package io.prodigy.yaml.internal;

import io.prodigy.api.Backoff;
import io.prodigy.api.OnFailure;
import io.prodigy.api.RetryCondition;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.WorkflowDefinitionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads retry policies: a step's {@code retry} (a number of attempts, or {@code {attempts, backoff, initial_delay,
 * max_delay, jitter, jitter_factor, retry_on, retry_budget, on_failure}}), {@code retry_defaults}, and the error
 * policy's {@code retry_config} (whose upstream backoff form carries the initial delay:
 * {@code {exponential: {initial, multiplier}}}).
 */
final class RetryReader {
    private static final Set<String> RETRY_KEYS = Set.of(
            "attempts",
            "max_attempts",
            "backoff",
            "initial_delay",
            "max_delay",
            "jitter",
            "jitter_factor",
            "retry_on",
            "retry_budget",
            "on_failure",
            "delay");

    private final Diagnostics d;

    RetryReader(Diagnostics d) {
        this.d = d;
    }

    /** A retry policy, and the on_failure its {@code on_failure: continue|{fallback}} implies. */
    record RetryRead(RetryPolicy policy, OnFailure onFailure) {}

    /**
     * Reads {@code retry}: a number of attempts, or {@code {attempts, backoff, initial_delay, max_delay, jitter,
     * jitter_factor, retry_on, retry_budget, on_failure}}.
     */
    RetryRead retry(Node node, String path) {
        if (node instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) node;
            Long n = Scalars.parseLong(s.text());
            if (n == null || n < 1 || n > 1000) {
                d.error(
                        node.location(),
                        path,
                        "expected a number of attempts or a retry mapping {attempts, backoff, " + "...}, found "
                                + node.describe());
                return null;
            }
            return new RetryRead(RetryPolicy.builder().maxAttempts(n.intValue()).build(), null);
        }
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected a retry mapping {attempts, backoff, ...}, found " + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, RETRY_KEYS, "retry");
        RetryPolicy.Builder rb = RetryPolicy.builder();
        Integer attempts = f.integer("attempts", 1, null);
        Integer max = f.integer("max_attempts", 1, null);
        if (attempts != null && max != null) {
            f.error("max_attempts", "write either attempts or max_attempts, not both");
        }
        if (attempts != null || max != null) {
            rb.maxAttempts(attempts != null ? attempts : max);
        }
        Duration initial = f.duration("initial_delay", null);
        Duration delay = f.duration("delay", null);
        if (initial != null || delay != null) {
            rb.initialDelay(initial != null ? initial : delay);
        }
        if (f.has("backoff")) {
            BackoffRead br = backoff(f.node("backoff"), f.pathOf("backoff"));
            if (br != null) {
                rb.backoff(br.backoff());
                if (br.initial() != null) {
                    rb.initialDelay(br.initial());
                }
            }
        }
        Duration maxDelay = f.duration("max_delay", null);
        if (maxDelay != null) {
            rb.maxDelay(maxDelay);
        }
        Boolean jitter = f.bool("jitter");
        if (jitter != null) {
            rb.jitter(jitter);
        }
        Double factor = f.number("jitter_factor");
        if (factor != null) {
            rb.jitterFactor(factor);
        }
        if (f.has("retry_on")) {
            rb.retryOn(retryOn(f.node("retry_on"), f.pathOf("retry_on")));
        }
        Duration budget = f.duration("retry_budget", null);
        if (budget != null) {
            rb.retryBudget(budget);
        }
        OnFailure after = null;
        Node of = f.node("on_failure");
        if (of instanceof ScalarNode && !((ScalarNode) of).isNull()) {
            String v = f.choice("on_failure", List.of("stop", "continue", "fail"));
            if ("continue".equals(v)) {
                after = OnFailure.ignore();
            }
        } else if (of instanceof MapNode) {
            Fields ff = Fields.of((MapNode) of, f.pathOf("on_failure"), d, Set.of("fallback"), "retry on_failure");
            Node fb = ff.node("fallback");
            if (fb == null) {
                ff.errorHere("expected stop, continue or {fallback: {command: ...}}");
            } else if (fb instanceof MapNode && ((MapNode) fb).get("command") instanceof ScalarNode) {
                after = OnFailure.run(HandlerReader.handlerCommand(((ScalarNode) ((MapNode) fb).get("command")).text()))
                        .build();
                Fields fbf = Fields.of((MapNode) fb, ff.pathOf("fallback"), d, Set.of("command"), "fallback");
                fbf.finish();
            } else if (fb instanceof ScalarNode) {
                after = OnFailure.run(HandlerReader.handlerCommand(((ScalarNode) fb).text()))
                        .build();
            } else {
                ff.error("fallback", "expected {command: ...}, found " + fb.describe());
            }
            ff.finish();
        }
        f.finish();
        try {
            return new RetryRead(rb.build(), after);
        } catch (WorkflowDefinitionException e) {
            f.errorHere(e.getMessage());
            return null;
        }
    }

    /** A backoff, and the initial delay its error_policy-style form ({@code {fixed: {delay}}}) carries. */
    record BackoffRead(Backoff backoff, Duration initial) {}

    /**
     * Reads a backoff: {@code fixed}, {@code exponential}, {@code fibonacci}, or {@code {fixed: {delay}}},
     * {@code {linear: {increment, initial}}}, {@code {exponential: {base|multiplier, initial}}},
     * {@code {fibonacci: {initial}}}, {@code {custom: {delays: [...]}}}.
     */
    BackoffRead backoff(Node node, String path) {
        List<String> kinds = List.of("fixed", "linear", "exponential", "fibonacci", "custom");
        if (node instanceof ScalarNode) {
            String name = ((ScalarNode) node).text().trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "fixed":
                    return new BackoffRead(Backoff.fixed(), null);
                case "exponential":
                    return new BackoffRead(Backoff.exponential(2.0), null);
                case "fibonacci":
                    return new BackoffRead(Backoff.fibonacci(), null);
                case "linear":
                    d.error(
                            node.location(),
                            path,
                            "linear backoff needs its increment: backoff: {linear: " + "{increment: \"5s\"}}");
                    return null;
                default:
                    d.error(
                            node.location(),
                            path,
                            "unknown backoff " + Texts.quote(name) + Texts.suggestion(name, kinds));
                    return null;
            }
        }
        if (!(node instanceof MapNode) || ((MapNode) node).size() != 1) {
            d.error(
                    node.location(),
                    path,
                    "expected a backoff such as exponential or {linear: {increment: \"5s\"}}, " + "found "
                            + node.describe());
            return null;
        }
        MapNode.Entry e = ((MapNode) node).entries().iterator().next();
        String kind = e.key();
        if (!kinds.contains(kind)) {
            d.error(e.keyLocation(), path, "unknown backoff '" + kind + "'" + Texts.suggestion(kind, kinds));
            return null;
        }
        Node body = e.value();
        String bodyPath = path + "." + kind;
        MapNode args = body instanceof MapNode ? (MapNode) body : new MapNode(body.location(), Map.of());
        if (!(body instanceof MapNode) && !(body instanceof ScalarNode && ((ScalarNode) body).isNull())) {
            d.error(
                    body.location(),
                    bodyPath,
                    "expected the " + kind + " backoff's settings as a mapping, found " + body.describe());
            return null;
        }
        try {
            switch (kind) {
                case "fixed": {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("delay"), "fixed backoff");
                    Duration delay = f.duration("delay", null);
                    f.finish();
                    return new BackoffRead(Backoff.fixed(), delay);
                }
                case "linear": {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("increment", "initial"), "linear backoff");
                    Duration inc = f.duration("increment", null);
                    Duration initial = f.duration("initial", null);
                    if (inc == null && !f.has("increment")) {
                        f.errorHere("linear backoff needs 'increment'");
                    }
                    f.finish();
                    return inc == null ? null : new BackoffRead(Backoff.linear(inc), initial);
                }
                case "exponential": {
                    Fields f = Fields.of(
                            args, bodyPath, d, Set.of("base", "multiplier", "initial"), "exponential backoff");
                    Double base = f.number("base");
                    Double mult = f.number("multiplier");
                    Duration initial = f.duration("initial", null);
                    f.finish();
                    double b = base != null ? base : mult != null ? mult : 2.0;
                    return new BackoffRead(Backoff.exponential(b), initial);
                }
                case "fibonacci": {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("initial"), "fibonacci backoff");
                    Duration initial = f.duration("initial", null);
                    f.finish();
                    return new BackoffRead(Backoff.fibonacci(), initial);
                }
                default: {
                    Fields f = Fields.of(args, bodyPath, d, Set.of("delays"), "custom backoff");
                    Node delays = f.node("delays");
                    List<Duration> list = new ArrayList<>();
                    if (delays instanceof ListNode) {
                        List<Node> items = ((ListNode) delays).items();
                        for (int i = 0; i < items.size(); i++) {
                            Duration du = Scalars.duration(items.get(i), f.pathOf("delays") + "[" + i + "]", d, null);
                            if (du != null) {
                                list.add(du);
                            }
                        }
                    } else {
                        f.errorHere("custom backoff needs 'delays', a list of durations");
                    }
                    f.finish();
                    return list.isEmpty() ? null : new BackoffRead(Backoff.custom(list), null);
                }
            }
        } catch (WorkflowDefinitionException ex) {
            d.error(node.location(), path, ex.getMessage());
            return null;
        }
    }

    private List<RetryCondition> retryOn(Node node, String path) {
        List<RetryCondition> out = new ArrayList<>();
        List<Node> items = node instanceof ListNode ? ((ListNode) node).items() : List.of(node);
        List<String> names = List.of("network", "timeout", "server_error", "rate_limit");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = path + "[" + i + "]";
            if (item instanceof ScalarNode) {
                String name = ((ScalarNode) item).text().trim().toLowerCase(Locale.ROOT);
                if (names.contains(name)) {
                    out.add(RetryCondition.named(name));
                } else {
                    d.error(
                            item.location(),
                            itemPath,
                            "unknown retry_on " + Texts.quote(name) + Texts.suggestion(name, names)
                                    + " (or {pattern: <regex>})");
                }
            } else if (item instanceof MapNode && ((MapNode) item).get("pattern") instanceof ScalarNode) {
                String re = ((ScalarNode) ((MapNode) item).get("pattern")).text();
                try {
                    Pattern.compile(re);
                    out.add(RetryCondition.pattern(re));
                } catch (PatternSyntaxException e) {
                    d.error(
                            item.location(),
                            itemPath,
                            "invalid regular expression " + Texts.quote(re) + ": " + e.getDescription() + " at index "
                                    + e.getIndex());
                }
            } else {
                d.error(
                        item.location(),
                        itemPath,
                        "expected network, timeout, server_error, rate_limit or " + "{pattern: <regex>}, found "
                                + item.describe());
            }
        }
        return out;
    }
}
