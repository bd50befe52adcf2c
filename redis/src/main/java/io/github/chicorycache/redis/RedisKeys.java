package io.github.chicorycache.redis;

import java.nio.charset.StandardCharsets;

/**
 * Names the Redis keys of the tier: {@code <prefix><namespace>:<key>} for an entry and
 * the same with {@code :lease} appended for the lease of an instance compiling it.
 * Namespaces ({@code [a-z0-9][a-z0-9._+-]*}) and digest keys hold no {@code :} after
 * their algorithm, so no entry key is another one's lease.
 */
final class RedisKeys {

	private static final String LEASE_SUFFIX = ":lease";

	private final String prefix;

	RedisKeys(String prefix) {
		this.prefix = prefix;
	}

	String entry(String namespace, String key) {
		return this.prefix + namespace + ":" + key;
	}

	String lease(String namespace, String key) {
		return entry(namespace, key) + LEASE_SUFFIX;
	}

	/**
	 * Returns a {@code SCAN MATCH} pattern for every key of the tier.
	 * @return the pattern
	 */
	String all() {
		StringBuilder pattern = new StringBuilder();
		for (char c : this.prefix.toCharArray()) {
			if ("*?[]\\^".indexOf(c) >= 0) {
				pattern.append('\\');
			}
			pattern.append(c);
		}
		return pattern.append('*').toString();
	}

	static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

}
