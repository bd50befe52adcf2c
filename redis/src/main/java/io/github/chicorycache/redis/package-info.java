/**
 * A fleet tier for the Chicory compile cache on Redis: instances share compiled modules
 * through signed entries, compile each module once in the fleet, and keep working when
 * Redis is gone.
 */
@NullMarked
package io.github.chicorycache.redis;

import org.jspecify.annotations.NullMarked;
