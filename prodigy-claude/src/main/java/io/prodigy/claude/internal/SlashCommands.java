package io.prodigy.claude.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Decides whether the Claude Code CLI ran a {@code /command} prompt, from the commands its session listed
 * ({@code init.slash_commands}), resolving names as the CLI does: {@code .claude/commands/x.md} is {@code x},
 * {@code .claude/commands/sub/x.md} is {@code sub:x} and {@code /x} does not run it; a plugin's {@code plugin:x} also
 * answers to {@code /x} while it is the only command of that name. The CLI answers a command it does not know with
 * prose (2.1.197: {@code Unknown command: /x}; 2.1.332: the model is told the command does not exist) and reports
 * success.
 */
final class SlashCommands {
    private SlashCommands() {}

    /**
     * @param command the prompt
     * @param listed the session's commands, or null when the stream listed none
     * @param workspace the session's working directory (where {@code .claude/commands} is), or null
     * @return the name of the command the prompt invokes if the session does not know it; null if the prompt is no
     *         command, the command is known, or nothing was listed
     */
    static String unknown(String command, Set<String> listed, Path workspace) {
        String prompt = command == null ? "" : command.strip();
        if (!prompt.startsWith("/") || listed == null) {
            return null;
        }
        int end = 1;
        while (end < prompt.length() && !Character.isWhitespace(prompt.charAt(end))) {
            end++;
        }
        String name = prompt.substring(1, end);
        if (name.isEmpty() || name.contains("/") || listed.contains(name) || listed.contains("/" + name)) {
            return null; // a path such as /usr/bin/x is no command
        }
        List<String> namespaced = namespaced(name, listed);
        if (namespaced.size() != 1) {
            return name;
        }
        String only = namespaced.get(0);
        String namespace = only.substring(0, only.length() - name.length() - 1);
        boolean projectSubdirectory = workspace != null
                && !namespace.isEmpty()
                && Files.isDirectory(
                        workspace.resolve(".claude").resolve("commands").resolve(namespace.replace(':', '/')));
        return projectSubdirectory ? name : null;
    }

    /**
     * @param name a short command name
     * @param listed the session's commands
     * @return the listed commands named {@code <namespace>:<name>}, sorted
     */
    static List<String> namespaced(String name, Set<String> listed) {
        return listed.stream()
                .filter(known -> known.endsWith(":" + name))
                .sorted()
                .toList();
    }
}
