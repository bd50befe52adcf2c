/**
 * Not API: the parts of {@link io.github.chicorycache.ChicoryCompiler}, one job each: the
 * namespaces and keys of the cache, the single flight of concurrent compilations, the
 * in-JVM memory of compiled code, the statistics counter, the layout, binding and
 * verification of cache entries, the meta module that {@code load} stores with the code,
 * the background writer of entries and the self-healing path from a module to its code.
 * The classes are public so that the compiler, its tests and the benchmarks can use them;
 * they may change in any release.
 */
@NullMarked
package io.github.chicorycache.compiler;

import org.jspecify.annotations.NullMarked;
