/**
 * The {@code prodigy} command line: {@link io.prodigy.cli.Main} runs workflow files through the engine with git
 * worktree isolation and the Claude Code runner, and manages runs, the Dead Letter Queue, events, worktrees and
 * state under {@code PRODIGY_HOME}. Exit codes: 0 success (also a run that completed with failed items), 1 a run
 * that failed, 2 invalid input or usage, 130 interrupted (the run is saved and can be resumed).
 */
package io.prodigy.cli;
