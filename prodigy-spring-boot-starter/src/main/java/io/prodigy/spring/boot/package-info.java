/** Spring Boot auto-configuration for Prodigy. */
package io.prodigy.spring.boot;
