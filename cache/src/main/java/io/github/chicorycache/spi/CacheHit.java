package io.github.chicorycache.spi;

import java.util.Objects;

import io.github.chicorycache.CompilationSource;

/**
 * An entry found by {@link CacheNamespace#lookup(String)}, with the tier that had it.
 *
 * @param data the entry's bytes, as stored by the compiler
 * @param source the tier that answered: {@link CompilationSource#DISK} for a local store,
 * {@link CompilationSource#REMOTE} for a shared one
 */
public record CacheHit(byte[] data, CompilationSource source) {

	/**
	 * Creates a hit.
	 * @param data the entry's bytes
	 * @param source the tier that answered
	 */
	public CacheHit {
		Objects.requireNonNull(data, "data");
		Objects.requireNonNull(source, "source");
	}

}
