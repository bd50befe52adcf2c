/**
 * Not API: the one class that touches Chicory's internals, {@link ChicoryInternals}. A
 * Chicory upgrade that changes them is handled there and nowhere else.
 */
@NullMarked
package io.github.chicorycache.internal;

import org.jspecify.annotations.NullMarked;
