package io.github.chicorycache.redis;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import io.github.chicorycache.spi.FaultRecorder;
import io.github.chicorycache.spi.NamespacedCache;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

/**
 * A fleet tier on Redis for the Chicory compile cache: instances of a fleet share
 * compiled modules through signed entries, so that the fleet compiles each module once.
 * Put it behind a local cache with {@link #over(NamespacedCache)} and give the result to
 * the {@link io.github.chicorycache.ChicoryCompiler}:
 *
 * <pre class="code">
 * RedisCacheTier tier = RedisCacheTier.builder(RedisURI.create("redis://cache.internal:6379"))
 *     .withSecret(secret) // at least 32 bytes, the same on every instance
 *     .build();
 * ChicoryCompiler compiler = ChicoryCompiler.builder()
 *     .withCache(tier.over(DirectoryCache.builder(directory).build()))
 *     .build();
 * </pre>
 *
 * <ul>
 * <li><b>Authenticated:</b> every entry carries a signature over its namespace, key and
 * payload hash (HMAC-SHA256 with a shared secret, or Ed25519), so an entry that is
 * unsigned, altered, moved to another key or signed with a key this instance does not
 * accept is refused, counted, deleted where this instance may write, and compiled afresh.
 * An instance with only Ed25519 public keys verifies and never writes.</li>
 * <li><b>Fleet single-flight:</b> instances missing the same module at the same time
 * compile it once (see the lease in the package documentation).</li>
 * <li><b>Fail-open:</b> connect and command timeouts and a circuit breaker bound what a
 * broken, slow, full or flushed Redis can cost: a miss, a dropped publish, a fault in the
 * statistics. The connection opens in the background.</li>
 * </ul>
 * Thread-safe. Close it to release the connection; queued publishes get a short grace.
 */
public final class RedisCacheTier implements AutoCloseable {

	/**
	 * Default key prefix.
	 */
	public static final String DEFAULT_KEY_PREFIX = "chicory-cache:";

	private final Keyring keyring;

	private final RedisGateway gateway;

	private final FleetLease lease;

	private final Publisher publisher;

	private final RemoteEntries entries;

	private final RemoteStatsCounter stats = new RemoteStatsCounter();

	private final FaultRecorder faults;

	private final CircuitBreaker breaker;

	private final Duration commandTimeout;

	private RedisCacheTier(Builder builder) {
		this.keyring = Keyring.of(builder.secret, builder.previousSecrets, builder.publicKeys, builder.privateKey);
		this.commandTimeout = builder.commandTimeout;
		this.faults = new FaultRecorder(Clock.systemUTC(), RedisCacheTier.class);
		this.breaker = new CircuitBreaker(builder.breakerFailureThreshold, builder.breakerOpenDuration,
				System::nanoTime);
		this.gateway = new RedisGateway(builder.uri, builder.clientResources, builder.sslOptions,
				builder.connectTimeout, builder.commandTimeout, this.breaker, this.faults);
		this.lease = new FleetLease(this.gateway, builder.leaseTime, builder.leaseWait, this.keyring.signer() != null,
				ProcessHandle.current().pid() + "/" + UUID.randomUUID(), this.stats, System::nanoTime);
		this.publisher = new Publisher(builder.publishQueueSize);
		this.entries = new RemoteEntries(this.gateway, this.keyring, new RedisKeys(builder.keyPrefix), builder.ttl,
				builder.maxEntrySize, this.lease, this.publisher, this.stats, this.faults);
		this.gateway.connectInBackground();
	}

	/**
	 * Returns a builder for a tier on the Redis a URI describes (standalone, sentinel or
	 * socket; with credentials, database, TLS).
	 * @param uri where Redis is
	 * @return the builder
	 */
	public static Builder builder(RedisURI uri) {
		return new Builder(uri);
	}

	/**
	 * Returns a builder for a tier on a Redis without authentication.
	 * @param host the host
	 * @param port the port
	 * @return the builder
	 */
	public static Builder builder(String host, int port) {
		return new Builder(RedisURI.create(host, port));
	}

	/**
	 * Returns a cache that looks entries up in a local cache first, then in this tier,
	 * and copies remote hits into the local cache.
	 * @param local the local cache, usually a
	 * {@link io.github.chicorycache.DirectoryCache}
	 * @return the tiered cache
	 */
	public TieredCache over(NamespacedCache local) {
		return new TieredCache(local, this);
	}

	/**
	 * Returns where Redis is, without credentials.
	 * @return the endpoint, such as {@code redis://cache.internal:6379/0}
	 */
	public String endpoint() {
		return this.gateway.endpoint();
	}

	/**
	 * Returns whether this instance publishes entries (it holds a signing key) or only
	 * verifies them.
	 * @return whether this instance writes to Redis
	 */
	public boolean isPublishing() {
		return this.keyring.signer() != null;
	}

	/**
	 * Returns a snapshot of this tier's statistics.
	 * @return the statistics
	 */
	public RemoteCacheStats stats() {
		return this.stats.snapshot(this.faults, this.breaker, endpoint(), isPublishing());
	}

	/**
	 * Returns whether no publish is queued or running, for tests and benchmarks that wait
	 * for the fleet to see an entry.
	 * @return whether all accepted publishes are done
	 */
	public boolean isPublishQueueEmpty() {
		return this.publisher.isIdle();
	}

	/**
	 * Returns the operations on entries that a {@link TieredCache} uses.
	 * @return the entries
	 */
	RemoteEntries entries() {
		return this.entries;
	}

	/**
	 * Lets queued publishes finish (for at most twice the command timeout), releases the
	 * leases still held and closes the connection.
	 */
	@Override
	public void close() {
		this.publisher.close(this.commandTimeout.multipliedBy(2));
		this.lease.releaseAll();
		this.gateway.close();
	}

	@Override
	public String toString() {
		return "RedisCacheTier " + endpoint() + " (" + this.keyring + ")";
	}

	/**
	 * Builds a {@link RedisCacheTier}. A signing or verifying key is required: a secret
	 * ({@link #withSecret}) on every instance, or Ed25519 keys ({@link #withPublicKeys},
	 * plus {@link #withPrivateKey} on the publisher).
	 */
	public static final class Builder {

		private final RedisURI uri;

		private byte @Nullable [] secret;

		private final List<byte[]> previousSecrets = new ArrayList<>();

		private final List<PublicKey> publicKeys = new ArrayList<>();

		private @Nullable PrivateKey privateKey;

		private String keyPrefix = DEFAULT_KEY_PREFIX;

		private Duration ttl = Duration.ofDays(7);

		private long maxEntrySize = 64L * 1024 * 1024;

		private Duration connectTimeout = Duration.ofSeconds(2);

		private Duration commandTimeout = Duration.ofSeconds(2);

		private Duration leaseTime = Duration.ofSeconds(60);

		private Duration leaseWait = Duration.ofSeconds(20);

		private int publishQueueSize = 16;

		private int breakerFailureThreshold = 5;

		private Duration breakerOpenDuration = Duration.ofSeconds(10);

		private @Nullable ClientResources clientResources;

		private @Nullable SslOptions sslOptions;

		private Builder(RedisURI uri) {
			this.uri = Objects.requireNonNull(uri, "uri");
		}

		/**
		 * Sets the shared secret that signs this instance's entries and verifies those of
		 * the fleet (HMAC-SHA256). Every instance holding it can publish.
		 * @param secret at least 32 bytes, random
		 * @return this builder
		 * @throws IllegalArgumentException if the secret is shorter than 32 bytes
		 */
		public Builder withSecret(byte[] secret) {
			this.secret = checkSecret(secret).clone();
			return this;
		}

		/**
		 * Sets secrets that no longer sign but whose entries are still accepted, for a
		 * rotation.
		 * @param secrets the previous secrets, each at least 32 bytes
		 * @return this builder
		 */
		public Builder withPreviousSecrets(List<byte[]> secrets) {
			this.previousSecrets.clear();
			secrets.forEach((secret) -> this.previousSecrets.add(checkSecret(secret).clone()));
			return this;
		}

		/**
		 * Sets the Ed25519 public keys whose entries are accepted (the first is the
		 * current one; the others are kept for a rotation). An instance with public keys
		 * and no private key is verify-only: it never writes to Redis.
		 * @param publicKeys the public keys
		 * @return this builder
		 */
		public Builder withPublicKeys(List<PublicKey> publicKeys) {
			this.publicKeys.clear();
			this.publicKeys.addAll(publicKeys);
			return this;
		}

		/**
		 * Sets the Ed25519 private key that signs this instance's entries (a publisher,
		 * such as a CI or warm-up job); its public key must be among
		 * {@link #withPublicKeys the public keys}.
		 * @param privateKey the private key
		 * @return this builder
		 */
		public Builder withPrivateKey(@Nullable PrivateKey privateKey) {
			this.privateKey = privateKey;
			return this;
		}

		/**
		 * Sets the prefix of every key of the tier (default {@code chicory-cache:}).
		 * @param keyPrefix the prefix
		 * @return this builder
		 */
		public Builder withKeyPrefix(String keyPrefix) {
			this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
			return this;
		}

		/**
		 * Sets how long an entry lives after its publication or last hit (default 7
		 * days).
		 * @param ttl the time to live, at least one millisecond
		 * @return this builder
		 */
		public Builder withTtl(Duration ttl) {
			this.ttl = positive(ttl, "ttl");
			return this;
		}

		/**
		 * Sets the largest entry published, envelope included (default 64 MiB); larger
		 * ones stay local.
		 * @param maxEntrySize the size in bytes
		 * @return this builder
		 */
		public Builder withMaxEntrySize(long maxEntrySize) {
			if (maxEntrySize < 1) {
				throw new IllegalArgumentException("maxEntrySize must be positive, was " + maxEntrySize);
			}
			this.maxEntrySize = maxEntrySize;
			return this;
		}

		/**
		 * Sets how long a connection attempt may take (default 2 s); an operation waits
		 * at most this long for the connection.
		 * @param connectTimeout the timeout
		 * @return this builder
		 */
		public Builder withConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive(connectTimeout, "connectTimeout");
			return this;
		}

		/**
		 * Sets how long a command may take (default 2 s).
		 * @param commandTimeout the timeout
		 * @return this builder
		 */
		public Builder withCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = positive(commandTimeout, "commandTimeout");
			return this;
		}

		/**
		 * Sets how long a lease lasts if its holder never publishes (default 60 s):
		 * longer than the slowest compilation.
		 * @param leaseTime the lease time
		 * @return this builder
		 */
		public Builder withLeaseTime(Duration leaseTime) {
			this.leaseTime = positive(leaseTime, "leaseTime");
			return this;
		}

		/**
		 * Sets the longest wait for another instance compiling the same module (default
		 * 20 s); {@link Duration#ZERO} turns fleet single-flight off.
		 * @param leaseWait the longest wait
		 * @return this builder
		 */
		public Builder withLeaseWait(Duration leaseWait) {
			if (leaseWait.isNegative()) {
				throw new IllegalArgumentException("leaseWait must not be negative, was " + leaseWait);
			}
			this.leaseWait = leaseWait;
			return this;
		}

		/**
		 * Sets how many entries may wait to be published (default 16); more are dropped
		 * and counted.
		 * @param publishQueueSize the queue size
		 * @return this builder
		 */
		public Builder withPublishQueueSize(int publishQueueSize) {
			if (publishQueueSize < 1) {
				throw new IllegalArgumentException("publishQueueSize must be positive, was " + publishQueueSize);
			}
			this.publishQueueSize = publishQueueSize;
			return this;
		}

		/**
		 * Sets when the circuit breaker opens and how long it stays open (default 5
		 * consecutive failures, 10 s).
		 * @param failureThreshold consecutive failures that open it
		 * @param openDuration how long it skips Redis before a probe
		 * @return this builder
		 */
		public Builder withCircuitBreaker(int failureThreshold, Duration openDuration) {
			if (failureThreshold < 1) {
				throw new IllegalArgumentException("failureThreshold must be positive, was " + failureThreshold);
			}
			this.breakerFailureThreshold = failureThreshold;
			this.breakerOpenDuration = positive(openDuration, "openDuration");
			return this;
		}

		/**
		 * Sets Lettuce client resources to share (threads, event loops); the tier does
		 * not shut them down. By default it creates its own.
		 * @param clientResources the resources
		 * @return this builder
		 */
		public Builder withClientResources(@Nullable ClientResources clientResources) {
			this.clientResources = clientResources;
			return this;
		}

		/**
		 * Sets the TLS options (trust and key material) for a URI with TLS
		 * ({@code rediss://}); by default the JDK's.
		 * @param sslOptions the options
		 * @return this builder
		 */
		public Builder withSslOptions(@Nullable SslOptions sslOptions) {
			this.sslOptions = sslOptions;
			return this;
		}

		/**
		 * Builds the tier and starts connecting in the background.
		 * @return the tier
		 * @throws IllegalArgumentException if no key is set, a secret is shorter than 32
		 * bytes, both a secret and a private key sign, or the private key's public key is
		 * missing
		 */
		public RedisCacheTier build() {
			return new RedisCacheTier(this);
		}

		private static byte[] checkSecret(byte[] secret) {
			Objects.requireNonNull(secret, "secret");
			if (secret.length < HmacKey.MIN_SECRET_BYTES) {
				throw new IllegalArgumentException("A secret must be at least " + HmacKey.MIN_SECRET_BYTES
						+ " bytes long, was " + secret.length + " bytes");
			}
			return secret;
		}

		private static Duration positive(Duration duration, String name) {
			Objects.requireNonNull(duration, name);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, was " + duration);
			}
			return duration;
		}

	}

}
