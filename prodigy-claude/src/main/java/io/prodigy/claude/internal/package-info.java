/**
 * Internals of the agent runners: process invocation, stream decoders, failure classification, transcripts and
 * per-worker configuration directories. No compatibility guarantee: use {@link io.prodigy.claude} instead.
 */
package io.prodigy.claude.internal;
