/**
 * Auto-configuration of the Redis fleet tier of the Chicory compile cache, on top of
 * Spring Boot's Redis support.
 */
@NullMarked
package io.github.chicorycache.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;
