package io.github.chicorycache.redis;

import java.io.IOException;

import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.spi.CacheHit;
import io.github.chicorycache.spi.CacheNamespace;
import org.jspecify.annotations.Nullable;

/**
 * One namespace of a {@link TieredCache}: the compiler's {@code lookup}, compile,
 * {@code putIfAbsent} sequence maps onto local read, remote read (and lease), local write
 * and background publish (and lease release).
 */
final class TieredNamespace implements CacheNamespace {

	private final CacheNamespace local;

	private final RemoteEntries remote;

	TieredNamespace(CacheNamespace local, RemoteEntries remote) {
		this.local = local;
		this.remote = remote;
	}

	@Override
	public String name() {
		return this.local.name();
	}

	@Override
	public @Nullable CacheHit lookup(String key) throws IOException {
		CacheHit hit = this.local.lookup(key);
		if (hit != null) {
			return hit;
		}
		byte[] data = this.remote.lookup(name(), key);
		if (data == null) {
			return null;
		}
		try {
			this.local.putIfAbsent(key, data);
		}
		catch (IOException | RuntimeException ex) {
			// The local cache's own failure: the remote hit stands, the next lookup asks
			// Redis again.
		}
		return new CacheHit(data, CompilationSource.REMOTE);
	}

	@Override
	public byte @Nullable [] get(String key) throws IOException {
		CacheHit hit = lookup(key);
		return (hit != null) ? hit.data() : null;
	}

	/**
	 * Stores locally, then publishes in the background (which also releases the lease
	 * this instance took when it missed).
	 */
	@Override
	public void putIfAbsent(String key, byte[] data) throws IOException {
		try {
			this.local.putIfAbsent(key, data);
		}
		finally {
			this.remote.publish(name(), key, data);
		}
	}

	/**
	 * Invalidates the local entry and deletes the remote one where this instance may
	 * write.
	 * @return whether the entry is gone from both tiers
	 */
	@Override
	public boolean invalidate(String key, String reason) {
		boolean local = this.local.invalidate(key, reason);
		boolean remote = this.remote.remove(name(), key);
		return local && remote;
	}

	@Override
	public void abandon(String key) {
		this.local.abandon(key);
		this.remote.abandon(name(), key);
	}

	@Override
	public boolean evict(String key) {
		boolean local = this.local.evict(key);
		boolean remote = this.remote.evict(name(), key);
		return local || remote;
	}

	@Override
	public String toString() {
		return this.local + " + Redis";
	}

}
