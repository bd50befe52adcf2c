package io.github.chicorycache.redis;

import java.time.Duration;

import io.github.chicorycache.CacheFault;
import io.github.chicorycache.spi.FaultRecorder;
import org.jspecify.annotations.Nullable;

/**
 * The entry operations of a {@link RedisCacheTier}: read and verify, publish in the
 * background, delete. None of them throws or waits longer than the timeouts (and the
 * lease wait): an unavailable Redis is a miss, a dropped publish or an entry left in
 * place.
 */
final class RemoteEntries {

	private final RedisGateway gateway;

	private final Keyring keyring;

	private final @Nullable EntrySigner signer;

	private final RedisKeys keys;

	private final Duration ttl;

	private final long maxEntrySize;

	private final FleetLease lease;

	private final Publisher publisher;

	private final RemoteStatsCounter stats;

	private final FaultRecorder faults;

	RemoteEntries(RedisGateway gateway, Keyring keyring, RedisKeys keys, Duration ttl, long maxEntrySize,
			FleetLease lease, Publisher publisher, RemoteStatsCounter stats, FaultRecorder faults) {
		this.gateway = gateway;
		this.keyring = keyring;
		this.signer = keyring.signer();
		this.keys = keys;
		this.ttl = ttl;
		this.maxEntrySize = maxEntrySize;
		this.lease = lease;
		this.publisher = publisher;
		this.stats = stats;
		this.faults = faults;
	}

	/**
	 * Returns whether this instance may write to Redis.
	 * @return whether it holds a signing key
	 */
	boolean writable() {
		return this.signer != null;
	}

	/**
	 * Reads an entry: from Redis, verified; after a miss, through the fleet lease.
	 * @param namespace the namespace
	 * @param key the key
	 * @return the payload, or {@code null} for a miss
	 */
	byte @Nullable [] lookup(String namespace, String key) {
		byte[] payload = null;
		try {
			payload = fetch(namespace, key);
			if (payload == null) {
				payload = this.lease.leadOrWait(this.keys.lease(namespace, key), () -> fetch(namespace, key));
			}
		}
		catch (RedisUnavailableException ex) {
			// Recorded by the gateway; a miss.
		}
		if (payload != null) {
			this.stats.hits.increment();
			this.stats.bytesRead.add(payload.length);
		}
		else {
			this.stats.misses.increment();
		}
		return payload;
	}

	private byte @Nullable [] fetch(String namespace, String key) throws RedisUnavailableException {
		String entryKey = this.keys.entry(namespace, key);
		byte[] redisKey = RedisKeys.bytes(entryKey);
		byte[] envelope = this.gateway.getAtMost(redisKey, this.maxEntrySize);
		if (envelope == null) {
			return null;
		}
		try {
			if (envelope.length > this.maxEntrySize) {
				throw new EntryEnvelope.RejectedEntryException(
						"larger than the maximum entry size of " + this.maxEntrySize + " bytes");
			}
			byte[] payload = EntryEnvelope.open(this.keyring, namespace, key, envelope);
			// A hit renews the entry's time to live; a verify-only instance cannot write.
			if (this.signer != null) {
				renew(redisKey);
			}
			return payload;
		}
		catch (EntryEnvelope.RejectedEntryException ex) {
			this.stats.rejected.increment();
			boolean delete = this.signer != null;
			this.faults.record(
					CacheFault.Kind.CORRUPT, "Refused Redis entry " + entryKey + " at " + this.gateway.endpoint() + ": "
							+ ex.getMessage() + (delete ? "; deleted" : "; left in place (verify-only instance)"),
					null);
			if (delete) {
				this.gateway.unlink(redisKey);
			}
			return null;
		}
	}

	private void renew(byte[] redisKey) {
		try {
			this.gateway.renew(redisKey, this.ttl);
		}
		catch (RedisUnavailableException ex) {
			// Recorded by the gateway; the entry read is still good.
		}
	}

	/**
	 * Publishes an entry in the background and releases its lease when done. Does nothing
	 * on a verify-only instance.
	 * @param namespace the namespace
	 * @param key the key
	 * @param payload the entry's bytes
	 */
	void publish(String namespace, String key, byte[] payload) {
		EntrySigner signer = this.signer;
		if (signer == null) {
			return;
		}
		String leaseKey = this.keys.lease(namespace, key);
		long size = EntryEnvelope.size(signer, namespace, key, payload.length);
		if (size > this.maxEntrySize) {
			this.stats.oversizedEntries.increment();
			this.lease.releaseQuietly(leaseKey);
			return;
		}
		if (!this.publisher.submit(() -> publishNow(signer, namespace, key, payload, leaseKey))) {
			this.stats.droppedPublishes.increment();
			this.lease.releaseQuietly(leaseKey);
		}
	}

	private void publishNow(EntrySigner signer, String namespace, String key, byte[] payload, String leaseKey) {
		try {
			byte[] envelope = EntryEnvelope.seal(signer, namespace, key, payload);
			if (this.gateway.setIfAbsent(RedisKeys.bytes(this.keys.entry(namespace, key)), envelope, this.ttl)) {
				this.stats.puts.increment();
				this.stats.bytesWritten.add(envelope.length);
			}
		}
		catch (RedisUnavailableException ex) {
			this.stats.droppedPublishes.increment();
		}
		catch (RuntimeException ex) {
			this.stats.droppedPublishes.increment();
			this.faults.record(CacheFault.Kind.WRITE, "Could not publish " + this.keys.entry(namespace, key), ex);
		}
		finally {
			this.lease.release(leaseKey);
		}
	}

	/**
	 * Releases the lease of a key whose compilation here will publish nothing, so that
	 * the instances waiting for it compile it themselves now.
	 * @param namespace the namespace
	 * @param key the key
	 */
	void abandon(String namespace, String key) {
		this.lease.releaseQuietly(this.keys.lease(namespace, key));
	}

	/**
	 * Deletes an entry, where this instance may write.
	 * @param namespace the namespace
	 * @param key the key
	 * @return {@code true} if the entry is gone from Redis (deleted or absent),
	 * {@code false} if it may remain (verify-only, or Redis unavailable)
	 */
	boolean remove(String namespace, String key) {
		if (this.signer == null) {
			return false;
		}
		try {
			this.gateway.unlink(RedisKeys.bytes(this.keys.entry(namespace, key)));
			return true;
		}
		catch (RedisUnavailableException ex) {
			return false;
		}
	}

	/**
	 * Deletes an entry on request, where this instance may write.
	 * @param namespace the namespace
	 * @param key the key
	 * @return whether an entry was deleted
	 */
	boolean evict(String namespace, String key) {
		if (this.signer == null) {
			return false;
		}
		try {
			return this.gateway.unlink(RedisKeys.bytes(this.keys.entry(namespace, key)));
		}
		catch (RedisUnavailableException ex) {
			return false;
		}
	}

	/**
	 * Deletes every key of this tier (all namespaces and leases), where this instance may
	 * write.
	 * @return how many keys were deleted
	 */
	long removeAll() {
		if (this.signer == null) {
			return 0;
		}
		try {
			return this.gateway.unlinkMatching(this.keys.all());
		}
		catch (RedisUnavailableException ex) {
			return 0;
		}
	}

}
