package io.github.chicorycache.autoconfigure.redis;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata of {@link ChicoryCacheRedisProperties}.
 */
class ChicoryCacheRedisPropertiesMetadataTests {

	private Map<String, Map<String, Object>> properties;

	@BeforeEach
	void readMetadata() throws IOException, URISyntaxException {
		Path classes = Path
			.of(ChicoryCacheRedisProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<Map<String, Object>> all = JsonPath.read(
				Files.readString(classes.resolve("META-INF").resolve("spring-configuration-metadata.json")),
				"$.properties[*]");
		this.properties = all.stream()
			.filter((property) -> ((String) property.get("name")).startsWith("chicory.cache.redis."))
			.collect(Collectors.toMap((property) -> (String) property.get("name"), (property) -> property));
	}

	@Test
	void everyPropertyIsDescribed() {
		assertThat(this.properties).containsOnlyKeys("chicory.cache.redis.enabled", "chicory.cache.redis.secret",
				"chicory.cache.redis.previous-secrets", "chicory.cache.redis.public-key",
				"chicory.cache.redis.previous-public-keys", "chicory.cache.redis.private-key",
				"chicory.cache.redis.key-prefix", "chicory.cache.redis.database", "chicory.cache.redis.username",
				"chicory.cache.redis.password", "chicory.cache.redis.ttl", "chicory.cache.redis.max-entry-size",
				"chicory.cache.redis.connect-timeout", "chicory.cache.redis.command-timeout",
				"chicory.cache.redis.lease-time", "chicory.cache.redis.lease-wait",
				"chicory.cache.redis.publish-queue-size", "chicory.cache.redis.breaker.failure-threshold",
				"chicory.cache.redis.breaker.open-duration");
		this.properties.forEach((name,
				property) -> assertThat((String) property.get("description")).as(name).isNotBlank().endsWith("."));
		assertThat((String) this.properties.get("chicory.cache.redis.enabled").get("description"))
			.startsWith("Whether");
	}

	@Test
	void typesAndDefaults() {
		assertProperty("chicory.cache.redis.enabled", "java.lang.Boolean", false);
		assertProperty("chicory.cache.redis.secret", "java.lang.String", null);
		assertProperty("chicory.cache.redis.key-prefix", "java.lang.String", "chicory-cache:");
		assertProperty("chicory.cache.redis.ttl", "java.time.Duration", "7d");
		assertProperty("chicory.cache.redis.max-entry-size", "org.springframework.util.unit.DataSize", "64MB");
		assertProperty("chicory.cache.redis.connect-timeout", "java.time.Duration", "2s");
		assertProperty("chicory.cache.redis.command-timeout", "java.time.Duration", "2s");
		assertProperty("chicory.cache.redis.lease-time", "java.time.Duration", "60s");
		assertProperty("chicory.cache.redis.lease-wait", "java.time.Duration", "20s");
		assertProperty("chicory.cache.redis.publish-queue-size", "java.lang.Integer", 16);
		assertProperty("chicory.cache.redis.breaker.failure-threshold", "java.lang.Integer", 5);
		assertProperty("chicory.cache.redis.breaker.open-duration", "java.time.Duration", "10s");
	}

	private void assertProperty(String name, String type, Object defaultValue) {
		assertThat(this.properties).containsKey(name);
		Map<String, Object> property = this.properties.get(name);
		assertThat(property.get("type")).as(name).isEqualTo(type);
		assertThat(property.get("defaultValue")).as(name).isEqualTo(defaultValue);
	}

}
