/**
 * Test fixtures shared by the modules' tests and the benchmarks: a writer of valid WASM
 * modules, the real modules of Maven Central artifacts, an in-memory cache and a
 * condition wait. Not deployed; not API.
 */
@NullMarked
package io.github.chicorycache.testsupport;

import org.jspecify.annotations.NullMarked;
