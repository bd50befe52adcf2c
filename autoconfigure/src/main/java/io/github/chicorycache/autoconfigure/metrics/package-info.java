/**
 * Micrometer meter binders for the cache and the compiler, and their auto-configuration.
 */
@NullMarked
package io.github.chicorycache.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
