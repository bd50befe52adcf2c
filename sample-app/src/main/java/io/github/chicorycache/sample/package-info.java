/**
 * Sample application: wat2wasm as a web service, compiled once thanks to the Chicory
 * cache.
 */
@NullMarked
package io.github.chicorycache.sample;

import org.jspecify.annotations.NullMarked;
