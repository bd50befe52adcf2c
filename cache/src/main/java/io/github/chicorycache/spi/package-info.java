/**
 * The service provider interface through which
 * {@link io.github.chicorycache.ChicoryCompiler} works with any cache: namespaces that
 * keep the code of different compiler versions and options apart, and the removal of
 * entries that failed to load. Implemented by
 * {@link io.github.chicorycache.DirectoryCache} and by the remote tier; a plain
 * {@code com.dylibso.chicory.compiler.Cache} is adapted by the compiler (keys hashed with
 * the namespace, unusable entries skipped).
 */
@NullMarked
package io.github.chicorycache.spi;

import org.jspecify.annotations.NullMarked;
