/**
 * OpenTelemetry traces for Prodigy: {@link io.prodigy.opentelemetry.ProdigyTracing} is a run listener and an
 * agent runner decorator that records run, phase, item, step and GenAI agent spans.
 */
package io.prodigy.opentelemetry;
