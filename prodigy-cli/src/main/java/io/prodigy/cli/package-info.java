/**
 * Reserved for the prodigy-cli module. Nothing here works yet: its issue has not been built, and this
 * package deliberately contains no types that could pretend otherwise.
 */
package io.prodigy.cli;
