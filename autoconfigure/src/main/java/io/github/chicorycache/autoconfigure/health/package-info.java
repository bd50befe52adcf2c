/**
 * The {@code chicoryCache} health contributor and its auto-configuration.
 */
@NullMarked
package io.github.chicorycache.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
