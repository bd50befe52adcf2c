package io.github.chicorycache.redis;

import java.io.IOException;
import java.util.Objects;

import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.NamespacedCache;
import org.jspecify.annotations.Nullable;

/**
 * A local cache in front of a {@link RedisCacheTier}, as one {@link NamespacedCache} for
 * the {@link io.github.chicorycache.ChicoryCompiler}:
 * <ul>
 * <li>a lookup reads the local cache, then Redis (verified), copies a remote hit into the
 * local cache and reports it as {@link io.github.chicorycache.CompilationSource#REMOTE
 * REMOTE};</li>
 * <li>a store writes the local cache at once and publishes to Redis in the
 * background;</li>
 * <li>invalidation, eviction and removal apply to both tiers, to Redis only where this
 * instance may write.</li>
 * </ul>
 * The root namespace ({@link #get}, {@link #putIfAbsent} on this object) is the local
 * cache's alone; the compiler always works in a namespace. Thread-safe. Closing stays
 * with the owners of the two tiers.
 */
public final class TieredCache implements NamespacedCache {

	private final NamespacedCache local;

	private final RedisCacheTier remote;

	TieredCache(NamespacedCache local, RedisCacheTier remote) {
		this.local = Objects.requireNonNull(local, "local");
		this.remote = Objects.requireNonNull(remote, "remote");
	}

	/**
	 * Returns the local tier.
	 * @return the local cache
	 */
	public NamespacedCache local() {
		return this.local;
	}

	/**
	 * Returns the remote tier.
	 * @return the Redis tier
	 */
	public RedisCacheTier remote() {
		return this.remote;
	}

	@Override
	public CacheNamespace namespace(String name) {
		return new TieredNamespace(this.local.namespace(name), this.remote.entries());
	}

	/**
	 * Removes every entry of the local cache and, where this instance may write, every
	 * key of the Redis tier.
	 * @return how many entries and keys were removed
	 */
	@Override
	public long removeAll() {
		return this.local.removeAll() + this.remote.entries().removeAll();
	}

	@Override
	public byte @Nullable [] get(String key) throws IOException {
		return this.local.get(key);
	}

	@Override
	public void putIfAbsent(String key, byte[] data) throws IOException {
		this.local.putIfAbsent(key, data);
	}

	@Override
	public String toString() {
		return this.local + " in front of " + this.remote;
	}

}
