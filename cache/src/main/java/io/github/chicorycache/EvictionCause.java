package io.github.chicorycache;

/**
 * Why an entry left the cache.
 */
public enum EvictionCause {

	/**
	 * The cache was over its size limit and the entry was among the least recently used.
	 */
	SIZE,

	/**
	 * The cache was over its entry-count limit and the entry was among the least recently
	 * used.
	 */
	COUNT,

	/**
	 * The entry was not used for longer than the maximum age.
	 */
	AGE,

	/**
	 * The entry failed verification.
	 */
	CORRUPT,

	/**
	 * The entry was removed on request ({@code evict} or {@code clear}).
	 */
	MANUAL

}
