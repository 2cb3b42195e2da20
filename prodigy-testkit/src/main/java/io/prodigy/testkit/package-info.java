/**
 * Test support for hosts of Prodigy for Java: a scratch {@link io.prodigy.testkit.GitRepository} (with a JUnit 5
 * extension), a {@link io.prodigy.testkit.ScriptedAgentRunner}, a {@link io.prodigy.testkit.RecordingListener}, and a
 * {@link io.prodigy.testkit.ProdigyTestEnvironment} wiring them with the in-memory stores into one engine. Contract
 * tests for the SPIs are in {@link io.prodigy.testkit.contract}.
 */
package io.prodigy.testkit;
