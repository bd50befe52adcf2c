/**
 * Benchmarks and harnesses of the cache, run by {@code benchmarks/run.sh}: they use the
 * library through its public API only. Not API.
 */
package io.github.chicorycache.benchmarks;
