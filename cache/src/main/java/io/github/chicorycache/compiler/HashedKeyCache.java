package io.github.chicorycache.compiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import com.dylibso.chicory.compiler.Cache;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.CacheNamespace;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * Not API: a namespace over any {@link Cache}: keys become the SHA-256 of namespace and
 * key, which is still a well-formed digest key for caches that validate keys.
 */
public final class HashedKeyCache implements CacheNamespace {

	private final Cache delegate;

	private final String namespace;

	private final FaultRecorder faults;

	/**
	 * Creates a namespace over a cache.
	 * @param delegate the cache
	 * @param namespace the namespace
	 * @param faults where entries that cannot be used are reported
	 */
	public HashedKeyCache(Cache delegate, String namespace, FaultRecorder faults) {
		this.delegate = delegate;
		this.namespace = namespace;
		this.faults = faults;
	}

	@Override
	public String name() {
		return this.namespace;
	}

	/**
	 * A plain {@link Cache} cannot delete: the entry stays, and the compiler skips it for
	 * its lifetime.
	 */
	@Override
	public boolean invalidate(String key, String reason) {
		this.faults.record(CacheFault.Kind.CORRUPT, "Cache entry " + key + " in " + this.delegate + " cannot be used ("
				+ reason + "); it is ignored from now on", null);
		return false;
	}

	/**
	 * A plain {@link Cache} cannot delete.
	 * @return {@code false}
	 */
	@Override
	public boolean evict(String key) {
		return false;
	}

	@Override
	public byte @Nullable [] get(String key) throws IOException {
		return this.delegate.get(key(key));
	}

	@Override
	public void putIfAbsent(String key, byte[] data) throws IOException {
		this.delegate.putIfAbsent(key(key), data);
	}

	/**
	 * Returns the key of an entry in the underlying cache.
	 * @param key the module digest
	 * @return the SHA-256 of namespace and digest, as a digest key
	 */
	public String key(String key) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(this.namespace.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(key.getBytes(StandardCharsets.UTF_8));
			return "sha-256:" + Base64.getEncoder().encodeToString(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return this.delegate + " (namespace " + this.namespace + ")";
	}

}
