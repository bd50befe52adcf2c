/**
 * Actuator endpoint, health indicator and metrics for the Chicory compile cache.
 */
@NullMarked
package io.github.chicorycache.actuate;

import org.jspecify.annotations.NullMarked;
