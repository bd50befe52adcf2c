package io.github.chicorycache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Fleet single-flight: of the instances that miss the same entry at the same time, one
 * compiles it and the others wait for its entry.
 * <p>
 * The compiler looks an entry up, compiles on a miss, then stores the result; the lease
 * lives between the first and the last step. After a remote miss an instance that may
 * publish takes the lease with {@code SET <lease> <token> NX PX <leaseTime>}. If it gets
 * it, it looks once more (the previous holder may have published and released in between)
 * and otherwise compiles; the lease is released after its publish, or expires if the
 * compilation fails or the process dies. If another instance holds it, this one polls for
 * the entry with a growing pause, for at most {@code waitTime}; it stops early when the
 * lease is gone without an entry (the holder gave up), and then compiles itself. A wait
 * never makes a compilation fail, it can only make it later by {@code waitTime}.
 * Verify-only instances never take a lease but wait for one that exists.
 */
final class FleetLease {

	private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long MAX_PAUSE = TimeUnit.MILLISECONDS.toNanos(200);

	private final RedisGateway gateway;

	private final Duration leaseTime;

	private final long waitNanos;

	private final boolean canLead;

	private final byte[] token;

	private final RemoteStatsCounter stats;

	private final LongSupplier nanoTime;

	/**
	 * Leases this instance holds, with the time they expire.
	 */
	private final Map<String, Long> held = new ConcurrentHashMap<>();

	FleetLease(RedisGateway gateway, Duration leaseTime, Duration waitTime, boolean canLead, String token,
			RemoteStatsCounter stats, LongSupplier nanoTime) {
		this.gateway = gateway;
		this.leaseTime = leaseTime;
		this.waitNanos = waitTime.toNanos();
		this.canLead = canLead;
		this.token = token.getBytes(StandardCharsets.UTF_8);
		this.stats = stats;
		this.nanoTime = nanoTime;
	}

	/**
	 * After a miss: takes the lease and returns {@code null} (this instance compiles), or
	 * waits for the holder's entry.
	 * @param leaseKey the lease of the entry
	 * @param fetch reads the entry
	 * @return the entry if it appeared, else {@code null} (compile)
	 * @throws RedisUnavailableException if Redis failed
	 */
	byte @Nullable [] leadOrWait(String leaseKey, Fetch fetch) throws RedisUnavailableException {
		if (this.waitNanos <= 0) {
			return null;
		}
		byte[] lease = RedisKeys.bytes(leaseKey);
		if (this.canLead) {
			Long expiry = this.held.get(leaseKey);
			if (expiry != null && this.nanoTime.getAsLong() - expiry < 0) {
				// Still ours from an earlier attempt that did not publish.
				return null;
			}
			if (this.gateway.setIfAbsent(lease, this.token, this.leaseTime)) {
				this.held.put(leaseKey, this.nanoTime.getAsLong() + this.leaseTime.toNanos());
				byte[] published = fetch.fetch();
				if (published != null) {
					release(leaseKey);
				}
				return published;
			}
		}
		else if (!this.gateway.exists(lease)) {
			return null;
		}
		return await(lease, fetch);
	}

	private byte @Nullable [] await(byte[] lease, Fetch fetch) throws RedisUnavailableException {
		this.stats.fleetWaits.increment();
		long deadline = this.nanoTime.getAsLong() + this.waitNanos;
		long pause = FIRST_PAUSE;
		while (true) {
			long remaining = deadline - this.nanoTime.getAsLong();
			if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
				return null;
			}
			LockSupport.parkNanos(Math.min(pause, remaining));
			pause = Math.min(pause * 2, MAX_PAUSE);
			byte[] entry = fetch.fetch();
			if (entry == null && !this.gateway.exists(lease)) {
				// The holder is done: it published just now, or gave up.
				entry = fetch.fetch();
				if (entry == null) {
					return null;
				}
			}
			if (entry != null) {
				this.stats.fleetWaitHits.increment();
				return entry;
			}
		}
	}

	/**
	 * Returns whether this instance holds the lease of an entry.
	 * @param leaseKey the lease
	 * @return whether it is held here
	 */
	boolean holds(String leaseKey) {
		return this.held.containsKey(leaseKey);
	}

	/**
	 * Releases a lease this instance holds, waiting for Redis (on the publisher thread).
	 * @param leaseKey the lease
	 */
	void release(String leaseKey) {
		if (this.held.remove(leaseKey) != null) {
			try {
				this.gateway.compareAndDelete(RedisKeys.bytes(leaseKey), this.token);
			}
			catch (RedisUnavailableException ex) {
				// It expires by itself.
			}
		}
	}

	/**
	 * Releases a lease this instance holds without waiting (on a compiling thread).
	 * @param leaseKey the lease
	 */
	void releaseQuietly(String leaseKey) {
		if (this.held.remove(leaseKey) != null) {
			this.gateway.compareAndDeleteQuietly(RedisKeys.bytes(leaseKey), this.token);
		}
	}

	/**
	 * Releases every lease still held, when the tier closes, so that other instances need
	 * not wait for them to expire.
	 */
	void releaseAll() {
		this.held.keySet().forEach(this::release);
	}

	/**
	 * Reads the entry once: the payload if it is there and valid, else {@code null}.
	 */
	@FunctionalInterface
	interface Fetch {

		byte @Nullable [] fetch() throws RedisUnavailableException;

	}

}
