package io.github.chicorycache.autoconfigure.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for the Redis fleet tier of the Chicory compile cache. The
 * connection comes from Spring Boot's {@code spring.data.redis.*} properties.
 */
@ConfigurationProperties("chicory.cache.redis")
public class ChicoryCacheRedisProperties {

	/**
	 * Whether to share compiled modules with the fleet through Redis, behind the local
	 * cache directory.
	 */
	private boolean enabled;

	/**
	 * Shared secret that signs and verifies entries (HMAC-SHA256), at least 32 bytes and
	 * the same on every instance. Whoever holds it can publish code that the fleet runs.
	 */
	private @Nullable String secret;

	/**
	 * Secrets that no longer sign but whose entries are still accepted, during a
	 * rotation.
	 */
	private List<String> previousSecrets = new ArrayList<>();

	/**
	 * Ed25519 public key (PEM or Base64 X.509) whose entries are accepted. Without a
	 * private key and a secret, this instance only verifies and never writes to Redis.
	 */
	private @Nullable String publicKey;

	/**
	 * Ed25519 public keys that are still accepted during a key rotation.
	 */
	private List<String> previousPublicKeys = new ArrayList<>();

	/**
	 * Ed25519 private key (PEM or Base64 PKCS#8) of the public key, on the instance that
	 * publishes (a CI or warm-up job).
	 */
	private @Nullable String privateKey;

	/**
	 * Prefix of every Redis key of the tier.
	 */
	private String keyPrefix = "chicory-cache:";

	/**
	 * Redis database of the tier, instead of the one of spring.data.redis.database.
	 */
	private @Nullable Integer database;

	/**
	 * Redis user of the tier, instead of the one of spring.data.redis.username: for
	 * example a read-only user on verify-only instances.
	 */
	private @Nullable String username;

	/**
	 * Password of the Redis user of the tier, instead of spring.data.redis.password.
	 */
	private @Nullable String password;

	/**
	 * Time an entry lives in Redis after its publication or last hit.
	 */
	private Duration ttl = Duration.ofDays(7);

	/**
	 * Largest entry published to Redis; larger ones stay in the local cache.
	 */
	private DataSize maxEntrySize = DataSize.ofMegabytes(64);

	/**
	 * Longest time to connect to Redis. Startup never waits for it; a compilation waits
	 * at most this long for the connection.
	 */
	private Duration connectTimeout = Duration.ofSeconds(2);

	/**
	 * Longest time a Redis command may take before the tier gives up on it.
	 */
	private Duration commandTimeout = Duration.ofSeconds(2);

	/**
	 * Time after which the lease of an instance compiling a module expires if it never
	 * publishes. Longer than the slowest compilation.
	 */
	private Duration leaseTime = Duration.ofSeconds(60);

	/**
	 * Longest wait for another instance compiling the same module before compiling it
	 * here. Zero turns fleet single-flight off.
	 */
	private Duration leaseWait = Duration.ofSeconds(20);

	/**
	 * Number of entries that may wait to be published; further ones are dropped and
	 * counted.
	 */
	private int publishQueueSize = 16;

	private final Breaker breaker = new Breaker();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getSecret() {
		return this.secret;
	}

	public void setSecret(@Nullable String secret) {
		this.secret = secret;
	}

	public List<String> getPreviousSecrets() {
		return this.previousSecrets;
	}

	public void setPreviousSecrets(List<String> previousSecrets) {
		this.previousSecrets = previousSecrets;
	}

	public @Nullable String getPublicKey() {
		return this.publicKey;
	}

	public void setPublicKey(@Nullable String publicKey) {
		this.publicKey = publicKey;
	}

	public List<String> getPreviousPublicKeys() {
		return this.previousPublicKeys;
	}

	public void setPreviousPublicKeys(List<String> previousPublicKeys) {
		this.previousPublicKeys = previousPublicKeys;
	}

	public @Nullable String getPrivateKey() {
		return this.privateKey;
	}

	public void setPrivateKey(@Nullable String privateKey) {
		this.privateKey = privateKey;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public @Nullable Integer getDatabase() {
		return this.database;
	}

	public void setDatabase(@Nullable Integer database) {
		this.database = database;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public DataSize getMaxEntrySize() {
		return this.maxEntrySize;
	}

	public void setMaxEntrySize(DataSize maxEntrySize) {
		this.maxEntrySize = maxEntrySize;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public Duration getLeaseTime() {
		return this.leaseTime;
	}

	public void setLeaseTime(Duration leaseTime) {
		this.leaseTime = leaseTime;
	}

	public Duration getLeaseWait() {
		return this.leaseWait;
	}

	public void setLeaseWait(Duration leaseWait) {
		this.leaseWait = leaseWait;
	}

	public int getPublishQueueSize() {
		return this.publishQueueSize;
	}

	public void setPublishQueueSize(int publishQueueSize) {
		this.publishQueueSize = publishQueueSize;
	}

	public Breaker getBreaker() {
		return this.breaker;
	}

	/**
	 * The circuit breaker that skips a failing Redis.
	 */
	public static class Breaker {

		/**
		 * Number of consecutive failures to reach Redis after which the tier skips it.
		 */
		private int failureThreshold = 5;

		/**
		 * Time the tier skips a failing Redis before it tries again.
		 */
		private Duration openDuration = Duration.ofSeconds(10);

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getOpenDuration() {
			return this.openDuration;
		}

		public void setOpenDuration(Duration openDuration) {
			this.openDuration = openDuration;
		}

	}

}
