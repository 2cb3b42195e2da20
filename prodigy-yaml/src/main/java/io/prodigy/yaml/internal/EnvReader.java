package io.prodigy.yaml.internal;

import io.prodigy.api.EnvValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the top-level {@code env}, {@code secrets}, {@code env_files} and {@code profiles}. */
final class EnvReader {
    private static final Set<String> COMPUTED_KEYS = Set.of("command", "cache");
    private static final Set<String> CONDITIONAL_KEYS = Set.of("condition", "when_true", "when_false");
    private static final Set<String> SECRET_VALUE_KEYS = Set.of("secret", "value");
    private static final Set<String> SECRET_PROVIDER_KEYS = Set.of("provider", "key", "version");

    private final Diagnostics d;
    private final StepReader steps;
    private final Path directory;

    EnvReader(Diagnostics d, StepReader steps, Path directory) {
        this.d = d;
        this.steps = steps;
        this.directory = directory;
    }

    /**
     * The plain values of {@code env}, read before anything else so that {@code ${VAR}} numbers can refer to
     * them; nothing is reported here.
     */
    static Map<String, String> plainValues(MapNode top) {
        Map<String, String> out = new LinkedHashMap<>();
        Node env = top.get("env");
        if (env instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) env).entries()) {
                if (e.value() instanceof ScalarNode && !((ScalarNode) e.value()).isNull()) {
                    out.put(e.key(), ((ScalarNode) e.value()).text());
                }
            }
        }
        return out;
    }

    /** Reads env, secrets, env_files and profiles of {@code f} into {@code parts}. */
    void read(Fields f, Parts parts) {
        Node env = f.node("env");
        if (env instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) env).entries()) {
                envEntry(e, f.pathOf("env"), parts);
            }
        } else if (env != null && !(env instanceof ScalarNode && ((ScalarNode) env).isNull())) {
            f.error("env", "expected a mapping of variable names to values, found " + env.describe());
        }
        Node secrets = f.node("secrets");
        if (secrets instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) secrets).entries()) {
                secret(e, f.pathOf("secrets"), parts);
            }
        } else if (secrets != null && !(secrets instanceof ScalarNode && ((ScalarNode) secrets).isNull())) {
            f.error("secrets", "expected a mapping of secret names to values, found " + secrets.describe());
        }
        List<String> files = f.textList("env_files");
        if (files != null) {
            for (String file : files) {
                parts.envFiles.add(TemplateAliases.normalize(file));
            }
        }
        Node profiles = f.node("profiles");
        if (profiles instanceof MapNode) {
            for (MapNode.Entry e : ((MapNode) profiles).entries()) {
                profile(e, f.pathOf("profiles"), parts);
            }
        } else if (profiles != null && !(profiles instanceof ScalarNode && ((ScalarNode) profiles).isNull())) {
            f.error("profiles", "expected a mapping of profile names to variables, found " + profiles.describe());
        }
        for (String key : parts.secrets.keySet()) {
            if (parts.env.containsKey(key) || parts.computedEnv.containsKey(key)) {
                d.error(
                        f.keyAt("secrets"),
                        f.pathOf("secrets"),
                        "'" + key + "' is defined both in env and in " + "secrets; define it once");
            }
        }
    }

    private void envEntry(MapNode.Entry e, String path, Parts parts) {
        String p = path + "." + e.key();
        Node v = e.value();
        if (v instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) v;
            parts.env.put(e.key(), s.isNull() ? "" : TemplateAliases.normalize(s.text()));
            return;
        }
        if (!(v instanceof MapNode)) {
            d.error(
                    v.location(),
                    p,
                    "expected a value, {command}, {condition, when_true, when_false} or {secret, " + "value}, found "
                            + v.describe());
            return;
        }
        MapNode m = (MapNode) v;
        if (m.has("command")) {
            Fields f = Fields.of(m, p, d, COMPUTED_KEYS, "a computed env value");
            String cmd = f.requiredText("command");
            Boolean cache = f.bool("cache");
            if (cache != null && !cache) {
                f.notActedOn("cache", "the command runs once when the run starts; its value is not recomputed");
            }
            f.finish();
            if (cmd != null) {
                parts.computedEnv.put(e.key(), new EnvValue.FromCommand(TemplateAliases.normalize(cmd)));
            }
            return;
        }
        if (m.has("condition")) {
            Fields f = Fields.of(m, p, d, CONDITIONAL_KEYS, "a conditional env value");
            String condition = f.requiredText("condition");
            String whenTrue = f.text("when_true");
            String whenFalse = f.text("when_false");
            f.finish();
            if (condition != null
                    && ExpressionChecks.expression(
                            f.node("condition"), condition, f.pathOf("condition"), "condition", d)) {
                parts.computedEnv.put(
                        e.key(),
                        new EnvValue.Conditional(
                                TemplateAliases.normalize(condition),
                                whenTrue == null ? "" : TemplateAliases.normalize(whenTrue),
                                whenFalse == null ? "" : TemplateAliases.normalize(whenFalse)));
            }
            return;
        }
        if (m.has("secret") || m.has("value")) {
            Fields f = Fields.of(m, p, d, SECRET_VALUE_KEYS, "an env value");
            boolean secret = f.bool("secret", false);
            String value = f.text("value");
            f.finish();
            if (value == null) {
                f.errorHere("missing required key 'value'");
                return;
            }
            (secret ? parts.secrets : parts.env).put(e.key(), secret ? value : TemplateAliases.normalize(value));
            return;
        }
        d.error(
                v.location(),
                p,
                "expected a value, {command}, {condition, when_true, when_false} or {secret, value}, "
                        + "found a mapping with keys " + Texts.list(List.copyOf(m.keys())));
    }

    private void secret(MapNode.Entry e, String path, Parts parts) {
        String p = path + "." + e.key();
        Node v = e.value();
        if (v instanceof ScalarNode) {
            String text = ((ScalarNode) v).text();
            String normalized = TemplateAliases.normalize(text);
            if (EnvLookup.isReference(normalized)) {
                String name = EnvLookup.name(normalized);
                parts.secretSources.put(e.key(), "env:" + name);
                String value = steps.env().environment().get(name);
                if (value == null) {
                    d.warning(
                            v.location(),
                            p,
                            "secret '" + e.key() + "' refers to the environment variable " + name
                                    + ", which is not set; the secret is left out");
                    return;
                }
                parts.secrets.put(e.key(), value);
                return;
            }
            parts.secrets.put(e.key(), text);
            return;
        }
        if (v instanceof MapNode && (((MapNode) v).has("secret") || ((MapNode) v).has("value"))) {
            envEntry(e, path, parts);
            parts.env.remove(e.key());
            return;
        }
        if (!(v instanceof MapNode)) {
            d.error(v.location(), p, "expected a secret value or {provider, key}, found " + v.describe());
            return;
        }
        Fields f = Fields.of((MapNode) v, p, d, SECRET_PROVIDER_KEYS, "a secret");
        String provider = f.requiredText("provider");
        String key = f.requiredText("key");
        f.text("version");
        f.finish();
        if (provider == null || key == null) {
            return;
        }
        switch (provider.trim().toLowerCase(Locale.ROOT)) {
            case "env": {
                parts.secretSources.put(e.key(), "env:" + key);
                String value = steps.env().environment().get(key);
                if (value == null) {
                    d.warning(
                            v.location(),
                            p,
                            "secret '" + e.key() + "' refers to the environment variable " + key
                                    + ", which is not set; the secret is left out");
                } else {
                    parts.secrets.put(e.key(), value);
                }
                return;
            }
            case "file": {
                parts.secretSources.put(e.key(), "file:" + key);
                Path file = directory.resolve(key);
                try {
                    String value = Files.readString(file, StandardCharsets.UTF_8);
                    parts.secrets.put(e.key(), value.endsWith("\n") ? value.substring(0, value.length() - 1) : value);
                } catch (IOException ex) {
                    d.warning(
                            v.location(),
                            p,
                            "secret '" + e.key() + "' could not be read from " + file + " (" + ex.getMessage()
                                    + "); the secret is left out");
                }
                return;
            }
            default:
                f.notActedOn(
                        "provider",
                        "secrets from provider '" + provider + "' are not supported (only env and "
                                + "file); the secret is left out");
        }
    }

    private void profile(MapNode.Entry e, String path, Parts parts) {
        String p = path + "." + e.key();
        if (!(e.value() instanceof MapNode)) {
            d.error(
                    e.value().location(),
                    p,
                    "expected a mapping of variable names to values, found "
                            + e.value().describe());
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (MapNode.Entry v : ((MapNode) e.value()).entries()) {
            if (v.key().equals("description")) {
                continue;
            }
            if (!(v.value() instanceof ScalarNode)) {
                d.error(
                        v.value().location(),
                        p + "." + v.key(),
                        "expected a value, found " + v.value().describe());
                continue;
            }
            ScalarNode s = (ScalarNode) v.value();
            values.put(v.key(), s.isNull() ? "" : TemplateAliases.normalize(s.text()));
        }
        parts.profiles.put(e.key(), values);
    }
}
