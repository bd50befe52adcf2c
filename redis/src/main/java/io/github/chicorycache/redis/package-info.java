/**
 * A fleet tier for the Chicory compile cache on Redis (Lettuce): instances share compiled
 * modules through signed entries, compile each module once in the fleet, and keep working
 * when Redis is gone.
 * <p>
 * The API is {@link io.github.chicorycache.redis.RedisCacheTier} (built with
 * {@code withX(...)}), {@link io.github.chicorycache.redis.TieredCache} (a local
 * {@code NamespacedCache} in front of the tier, what the compiler gets),
 * {@link io.github.chicorycache.redis.RemoteCacheStats},
 * {@link io.github.chicorycache.redis.BreakerState} and
 * {@link io.github.chicorycache.redis.Ed25519Keys}; every other class is package-private,
 * one job each: the signed envelope ({@code EntryEnvelope}) and its keys
 * ({@code Keyring}, {@code HmacKey}, {@code Ed25519Key}); the commands with their
 * timeouts ({@code RedisGateway}) and the {@code CircuitBreaker}; the background
 * {@code Publisher}; the fleet lease ({@code FleetLease}); the entry operations
 * ({@code RemoteEntries}).
 * <p>
 * <b>Security model.</b> An entry is trusted only if its envelope's signature verifies
 * with a key this instance holds, for the namespace and key it was looked up under, and
 * its payload matches the signed hash; anything else is refused, counted, deleted where
 * this instance may write, and compiled afresh. An instance that holds only Ed25519
 * public keys never writes to Redis, so it can use a read-only Redis user.
 * <p>
 * <b>Fleet single-flight.</b> The compiler looks an entry up, compiles on a miss, then
 * stores it. After a remote miss the tier takes a lease ({@code SET NX PX}) before
 * returning the miss, and releases it after publishing what the compiler stores; an
 * instance that finds the lease taken waits, for a bounded time, for the entry instead. A
 * compilation that fails leaves the lease to expire.
 */
@NullMarked
package io.github.chicorycache.redis;

import org.jspecify.annotations.NullMarked;
