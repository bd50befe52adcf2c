package io.github.chicorycache.spi;

import com.dylibso.chicory.compiler.Cache;

/**
 * A {@link Cache} that keeps entries apart in namespaces and can remove them: what
 * {@link io.github.chicorycache.ChicoryCompiler} needs to stay upgrade-safe and to heal
 * itself. Implementations must be thread-safe and must never throw from {@code get} or
 * {@code putIfAbsent} for an I/O failure (a failed read is a miss, a failed write a
 * no-op).
 */
public interface NamespacedCache extends Cache {

	/**
	 * Returns the view of this cache that holds the entries of one namespace.
	 * @param name the namespace, {@code [a-z0-9][a-z0-9._+-]*}
	 * @return the view
	 * @throws IllegalArgumentException if the name is not a valid namespace
	 */
	CacheNamespace namespace(String name);

	/**
	 * Removes every entry of every namespace.
	 * @return how many entries were removed
	 * @throws IllegalStateException if this cache cannot be written
	 */
	long removeAll();

}
