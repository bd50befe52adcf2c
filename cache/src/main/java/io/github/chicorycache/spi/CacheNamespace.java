package io.github.chicorycache.spi;

import java.io.IOException;

import com.dylibso.chicory.compiler.Cache;
import io.github.chicorycache.CompilationSource;
import org.jspecify.annotations.Nullable;

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
	 * Returns the entry of a key together with the tier that had it. A tiered cache
	 * overrides this to tell a local hit from a remote one; the default is {@link #get}
	 * answered by a local store.
	 * @param key the key
	 * @return the hit, or {@code null} for a miss
	 * @throws IOException if the cache could not be read (the compiler counts it as a
	 * fault and compiles)
	 */
	default @Nullable CacheHit lookup(String key) throws IOException {
		byte[] data = get(key);
		return (data != null) ? new CacheHit(data, CompilationSource.DISK) : null;
	}

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

	/**
	 * Tells the cache that the caller that missed a key will not store an entry for it:
	 * its compilation failed, or its store was dropped. A tier that makes other callers
	 * wait for the first one's entry (a fleet lease) lets them go now rather than when
	 * its wait ends. The default does nothing; it must not throw.
	 * @param key the key
	 */
	default void abandon(String key) {
	}

}
