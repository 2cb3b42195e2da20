package io.prodigy.yaml.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the variable spellings that the Rust tool's documentation and whitepaper use into the ones the engine
 * resolves, so that workflows written for the Rust tool mean what their authors meant:
 * <ul>
 *   <li>{@code ${env.NAME}} and {@code ${env:NAME}} (an environment variable) become {@code ${NAME}}, which the
 *       engine resolves from the workflow env and then the process environment;</li>
 *   <li>{@code ${map.success_count}} (the whitepaper's name) becomes {@code ${map.successful}};</li>
 *   <li>{@code ${name|default:value}} (the documentation's default syntax) becomes {@code ${name:-value}}.</li>
 * </ul>
 */
final class TemplateAliases {
    private static final Pattern ENV = Pattern.compile("\\$\\{env[.:]([A-Za-z_][A-Za-z0-9_]*)([}:|])");
    private static final Pattern SUCCESS_COUNT = Pattern.compile("\\$\\{map\\.success_count([}:|])");
    private static final Pattern DEFAULT_FILTER =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.\\-\\[\\]]*)\\|default:([^}|]*)}");

    private TemplateAliases() {}

    /** @param text a template @return it with the aliases rewritten; the same instance when there is none */
    static String normalize(String text) {
        if (text.indexOf("${") < 0) {
            return text;
        }
        String out = text;
        if (out.contains("${env")) {
            out = ENV.matcher(out).replaceAll(m -> Matcher.quoteReplacement("${" + m.group(1) + m.group(2)));
        }
        if (out.contains("${map.success_count")) {
            out = SUCCESS_COUNT.matcher(out).replaceAll(m -> Matcher.quoteReplacement("${map.successful" + m.group(1)));
        }
        if (out.contains("|default:")) {
            out = DEFAULT_FILTER
                    .matcher(out)
                    .replaceAll(m -> Matcher.quoteReplacement("${" + m.group(1) + ":-" + m.group(2) + "}"));
        }
        return out;
    }
}
