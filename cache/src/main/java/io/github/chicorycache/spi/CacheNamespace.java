package io.github.chicorycache.spi;

import com.dylibso.chicory.compiler.Cache;

/**
 * One namespace of a {@link NamespacedCache}: the {@link Cache} the compiler reads and
 * writes for modules compiled with one Chicory version and one set of options.
 */
public interface CacheNamespace extends Cache {

	/**
	 * Returns the name of this namespace.
	 * @return the name
	 */
	String name();

	/**
	 * Tells the cache that the entry of a key could not be used (its code failed to load
	 * or was not what the key promised). The cache counts it and removes it where it can;
	 * it must not throw for an I/O failure.
	 * @param key the key
	 * @param reason why the entry is unusable, for logs and faults
	 * @return {@code true} if the entry is gone, {@code false} if it stays (for example
	 * in a read-only cache), in which case the compiler stops reading it
	 */
	boolean invalidate(String key, String reason);

	/**
	 * Removes the entry of a key on request (an operator's eviction, not a fault).
	 * @param key the key
	 * @return whether an entry was removed
	 * @throws IllegalArgumentException if the key is invalid
	 * @throws IllegalStateException if this cache cannot be written
	 */
	boolean evict(String key);

}
