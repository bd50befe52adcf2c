package io.github.chicorycache.autoconfigure.redis;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import io.github.chicorycache.redis.Ed25519Keys;
import io.github.chicorycache.redis.RedisCacheTier;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.util.StringUtils;

/**
 * Creates the {@link RedisCacheTier} that the properties and Spring Boot's Redis
 * connection details describe, turning a missing, weak or conflicting key into a startup
 * failure that names the property and never shows its value.
 */
final class RedisCacheTierFactory {

	private static final String PREFIX = "chicory.cache.redis.";

	private static final int MIN_SECRET_BYTES = 32;

	private RedisCacheTierFactory() {
	}

	static RedisCacheTier create(ChicoryCacheRedisProperties properties, DataRedisConnectionDetails connection,
			@Nullable ClientResources clientResources) {
		RedisCacheTier.Builder builder = RedisCacheTier.builder(uri(properties, connection))
			.withClientResources(clientResources)
			.withSslOptions(sslOptions(connection.getSslBundle()))
			.withKeyPrefix(properties.getKeyPrefix())
			.withTtl(properties.getTtl())
			.withMaxEntrySize(properties.getMaxEntrySize().toBytes())
			.withConnectTimeout(properties.getConnectTimeout())
			.withCommandTimeout(properties.getCommandTimeout())
			.withLeaseTime(properties.getLeaseTime())
			.withLeaseWait(properties.getLeaseWait())
			.withPublishQueueSize(properties.getPublishQueueSize())
			.withCircuitBreaker(properties.getBreaker().getFailureThreshold(),
					properties.getBreaker().getOpenDuration());
		applyKeys(properties, builder);
		return builder.build();
	}

	private static void applyKeys(ChicoryCacheRedisProperties properties, RedisCacheTier.Builder builder) {
		String secret = properties.getSecret();
		String publicKey = properties.getPublicKey();
		String privateKey = properties.getPrivateKey();
		if (!StringUtils.hasLength(secret) && !StringUtils.hasText(publicKey)) {
			throw new InvalidRedisTierPropertyException(PREFIX + "secret",
					PREFIX + "secret is not set; entries are signed and verified with it.",
					"Set " + PREFIX + "secret to a random secret of at least " + MIN_SECRET_BYTES
							+ " bytes, the same on every instance (for example the output of "
							+ "'openssl rand -base64 48'), or set " + PREFIX + "public-key (and " + PREFIX
							+ "private-key on the publisher) for a publish/verify split.");
		}
		if (StringUtils.hasLength(secret)) {
			if (StringUtils.hasText(privateKey)) {
				throw new InvalidRedisTierPropertyException(PREFIX + "private-key",
						"both " + PREFIX + "secret and " + PREFIX + "private-key are set to sign entries.",
						"Remove one of them: a shared secret, or an Ed25519 key pair.");
			}
			builder.withSecret(secret(PREFIX + "secret", secret));
		}
		List<byte[]> previousSecrets = new ArrayList<>();
		for (int i = 0; i < properties.getPreviousSecrets().size(); i++) {
			previousSecrets.add(secret(PREFIX + "previous-secrets[" + i + "]", properties.getPreviousSecrets().get(i)));
		}
		builder.withPreviousSecrets(previousSecrets);
		List<PublicKey> publicKeys = new ArrayList<>();
		if (StringUtils.hasText(publicKey)) {
			publicKeys.add(publicKey(PREFIX + "public-key", publicKey));
		}
		for (int i = 0; i < properties.getPreviousPublicKeys().size(); i++) {
			publicKeys
				.add(publicKey(PREFIX + "previous-public-keys[" + i + "]", properties.getPreviousPublicKeys().get(i)));
		}
		builder.withPublicKeys(publicKeys);
		if (StringUtils.hasText(privateKey)) {
			if (!StringUtils.hasText(publicKey)) {
				throw new InvalidRedisTierPropertyException(PREFIX + "private-key",
						PREFIX + "private-key is set without " + PREFIX + "public-key.",
						"Set " + PREFIX + "public-key to the public key of the private key.");
			}
			builder.withPrivateKey(privateKey(privateKey, publicKeys.get(0)));
		}
	}

	private static byte[] secret(String property, String secret) {
		byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
		if (bytes.length < MIN_SECRET_BYTES) {
			throw new InvalidRedisTierPropertyException(property,
					property + " is " + bytes.length + " bytes long, shorter than the " + MIN_SECRET_BYTES
							+ " bytes a secret needs.",
					"Set " + property + " to a random secret of at least " + MIN_SECRET_BYTES
							+ " bytes (for example the output of 'openssl rand -base64 48').");
		}
		return bytes;
	}

	private static PublicKey publicKey(String property, String text) {
		try {
			return Ed25519Keys.publicKey(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRedisTierPropertyException(property, property + " is not an Ed25519 public key.",
					"Set it to the PEM (or Base64 X.509) output of 'openssl pkey -pubout' for an Ed25519 key.");
		}
	}

	private static PrivateKey privateKey(String text, PublicKey publicKey) {
		PrivateKey privateKey;
		try {
			privateKey = Ed25519Keys.privateKey(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRedisTierPropertyException(PREFIX + "private-key",
					PREFIX + "private-key is not an Ed25519 private key.",
					"Set it to the PEM (or Base64 PKCS#8) output of 'openssl genpkey -algorithm ed25519'.");
		}
		if (!Ed25519Keys.matches(privateKey, publicKey)) {
			throw new InvalidRedisTierPropertyException(PREFIX + "private-key",
					PREFIX + "private-key is not the private key of " + PREFIX + "public-key.",
					"Set both properties from the same key pair.");
		}
		return privateKey;
	}

	static RedisURI uri(ChicoryCacheRedisProperties properties, DataRedisConnectionDetails connection) {
		RedisURI.Builder builder;
		int database;
		DataRedisConnectionDetails.Sentinel sentinel = connection.getSentinel();
		DataRedisConnectionDetails.Standalone standalone = connection.getStandalone();
		if (connection.getCluster() == null && sentinel != null) {
			builder = RedisURI.builder().withSentinelMasterId(sentinel.getMaster());
			for (DataRedisConnectionDetails.Node node : sentinel.getNodes()) {
				String sentinelPassword = sentinel.getPassword();
				builder = (sentinelPassword != null) ? builder.withSentinel(node.host(), node.port(), sentinelPassword)
						: builder.withSentinel(node.host(), node.port());
			}
			database = sentinel.getDatabase();
		}
		else if (connection.getCluster() == null && standalone != null) {
			builder = RedisURI.builder().withHost(standalone.getHost()).withPort(standalone.getPort());
			database = standalone.getDatabase();
		}
		else {
			throw new IllegalStateException("The Chicory cache's Redis tier works with a standalone or sentinel Redis, "
					+ "not with a cluster: point spring.data.redis at one, or set chicory.cache.redis.enabled=false");
		}
		builder.withDatabase((properties.getDatabase() != null) ? properties.getDatabase() : database);
		String username = (properties.getUsername() != null) ? properties.getUsername() : connection.getUsername();
		String password = (properties.getPassword() != null) ? properties.getPassword() : connection.getPassword();
		if (password != null) {
			builder = (username != null) ? builder.withAuthentication(username, password.toCharArray())
					: builder.withPassword(password.toCharArray());
		}
		return builder.withSsl(connection.getSslBundle() != null).build();
	}

	private static @Nullable SslOptions sslOptions(@Nullable SslBundle bundle) {
		if (bundle == null) {
			return null;
		}
		return SslOptions.builder()
			.jdkSslProvider()
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory())
			.build();
	}

}
