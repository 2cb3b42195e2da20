/**
 * Implementation of the YAML adapter: the location-tracking tree, the readers that map it onto the api model,
 * composition, and the writer. Not part of the public API: types here may change in any release.
 */
package io.prodigy.yaml.internal;
