/**
 * Spring-free, production-grade compile cache for the Chicory WebAssembly runtime.
 *
 * <p>
 * {@link io.github.chicorycache.DirectoryCache} is a bounded, self-healing, observable
 * implementation of Chicory's {@code com.dylibso.chicory.compiler.Cache}.
 */
@NullMarked
package io.github.chicorycache;

import org.jspecify.annotations.NullMarked;
