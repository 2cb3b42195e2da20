/**
 * Contract tests for the engine's SPIs: abstract JUnit 5 classes a host extends, supplying its own implementation,
 * to check it keeps the contract the SPI's Javadoc states. Run them with the host's other tests.
 */
package io.prodigy.testkit.contract;
