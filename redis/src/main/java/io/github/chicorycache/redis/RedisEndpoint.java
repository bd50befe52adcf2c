package io.github.chicorycache.redis;

import java.util.stream.Collectors;

import io.lettuce.core.RedisURI;

/**
 * Describes where Redis is for logs and statistics, never with credentials.
 */
final class RedisEndpoint {

	private RedisEndpoint() {
	}

	static String describe(RedisURI uri) {
		if (uri.getSocket() != null) {
			return "redis-socket://" + uri.getSocket() + database(uri);
		}
		if (!uri.getSentinels().isEmpty()) {
			return "redis-sentinel://" + uri.getSentinels()
				.stream()
				.map((sentinel) -> sentinel.getHost() + ":" + sentinel.getPort())
				.collect(Collectors.joining(",")) + database(uri) + "#" + uri.getSentinelMasterId();
		}
		return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + database(uri);
	}

	private static String database(RedisURI uri) {
		return "/" + uri.getDatabase();
	}

}
