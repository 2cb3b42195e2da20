/** Internals of the git worktree isolation; not an API. */
package io.prodigy.git.internal;
