/**
 * The {@code chicorycache} Actuator endpoint: a technology-neutral
 * {@link io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpoint}, its web
 * extension that owns the HTTP statuses, and their auto-configuration.
 */
@NullMarked
package io.github.chicorycache.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
