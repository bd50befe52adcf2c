/**
 * Auto-configuration for the Chicory compile cache.
 */
@NullMarked
package io.github.chicorycache.autoconfigure;

import org.jspecify.annotations.NullMarked;
