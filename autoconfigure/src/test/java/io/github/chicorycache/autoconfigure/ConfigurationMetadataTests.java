package io.github.chicorycache.autoconfigure;

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
 * Tests for the configuration metadata that the configuration processor writes from
 * {@link ChicoryCacheProperties} (and
 * {@code additional-spring-configuration-metadata.json}) into
 * {@code META-INF/spring-configuration-metadata.json}.
 */
class ConfigurationMetadataTests {

	private Map<String, Map<String, Object>> properties;

	@BeforeEach
	void readMetadata() throws IOException, URISyntaxException {
		// the module's own output, not one of the metadata files of the Spring Boot jars
		Path classes = Path
			.of(ChicoryCacheProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Path metadata = classes.resolve("META-INF").resolve("spring-configuration-metadata.json");
		assertThat(metadata).isRegularFile();
		List<Map<String, Object>> all = JsonPath.read(Files.readString(metadata), "$.properties[*]");
		this.properties = all.stream()
			.collect(Collectors.toMap((property) -> (String) property.get("name"), (property) -> property));
	}

	@Test
	void everyChicoryCachePropertyHasADescription() {
		Map<String, Map<String, Object>> chicory = chicoryCacheProperties();
		assertThat(chicory).isNotEmpty();
		chicory.forEach((name,
				property) -> assertThat((String) property.get("description")).as(name).isNotBlank().endsWith("."));
	}

	@Test
	void everyPropertyIsDescribed() {
		assertThat(chicoryCacheProperties()).containsOnlyKeys("chicory.cache.enabled", "chicory.cache.directory",
				"chicory.cache.max-size", "chicory.cache.max-entries", "chicory.cache.max-age",
				"chicory.cache.max-entry-size", "chicory.cache.cleanup-interval", "chicory.cache.temp-file-max-age",
				"chicory.cache.read-only", "chicory.cache.allow-shared-directory",
				"chicory.cache.compiler.interpreter-fallback", "chicory.cache.compiler.max-functions-per-class",
				"chicory.cache.memory.max-entries", "chicory.cache.memory.max-size", "chicory.cache.warmup.locations",
				"chicory.cache.warmup.mode", "chicory.cache.warmup.fail-on-error");
	}

	@Test
	void typesAndDefaults() {
		assertProperty("chicory.cache.enabled", "java.lang.Boolean", true);
		assertProperty("chicory.cache.directory", "java.nio.file.Path", null);
		assertProperty("chicory.cache.max-size", "org.springframework.util.unit.DataSize", "1GB");
		assertProperty("chicory.cache.max-age", "java.time.Duration", null);
		assertProperty("chicory.cache.max-entry-size", "org.springframework.util.unit.DataSize", "256MB");
		assertProperty("chicory.cache.cleanup-interval", "java.time.Duration", "10m");
		assertProperty("chicory.cache.temp-file-max-age", "java.time.Duration", "1h");
		assertProperty("chicory.cache.read-only", "java.lang.Boolean", false);
		assertProperty("chicory.cache.compiler.interpreter-fallback",
				"com.dylibso.chicory.compiler.InterpreterFallback", null);
		assertProperty("chicory.cache.memory.max-entries", "java.lang.Integer", 64);
		assertProperty("chicory.cache.memory.max-size", "org.springframework.util.unit.DataSize", "128MB");
		assertProperty("chicory.cache.warmup.mode",
				"io.github.chicorycache.autoconfigure.ChicoryCacheProperties$Warmup$Mode", "sync");
	}

	@Test
	void healthIndicatorPropertyIsDescribed() {
		assertProperty("management.health.chicorycache.enabled", "java.lang.Boolean", true);
		assertThat((String) this.properties.get("management.health.chicorycache.enabled").get("description"))
			.isNotBlank();
	}

	private void assertProperty(String name, String type, Object defaultValue) {
		assertThat(this.properties).containsKey(name);
		Map<String, Object> property = this.properties.get(name);
		assertThat(property.get("type")).as(name).isEqualTo(type);
		assertThat(property.get("defaultValue")).as(name).isEqualTo(defaultValue);
	}

	private Map<String, Map<String, Object>> chicoryCacheProperties() {
		return this.properties.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith("chicory.cache."))
			// The Redis tier's properties: ChicoryCacheRedisPropertiesMetadataTests
			.filter((entry) -> !entry.getKey().startsWith("chicory.cache.redis."))
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
	}

}
