package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the property table of README.md in sync with the configuration metadata that the
 * configuration processor generates from {@link ChicoryCacheProperties}.
 */
class ReadmePropertiesTests {

	private static final Pattern ROW = Pattern.compile("^\\| `([a-z.-]+)` \\| (?:`([^`]*)`)? ?\\| (.*) \\|$");

	@Test
	void readmeTableMatchesGeneratedMetadata() throws IOException {
		Map<String, Row> metadata = metadata();
		Map<String, Row> readme = readme();
		assertThat(metadata).as("generated metadata").isNotEmpty();
		assertThat(readme.keySet()).as("README properties").isEqualTo(metadata.keySet());
		metadata.forEach((name, expected) -> assertThat(readme.get(name)).as(name).isEqualTo(expected));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Row> metadata() throws IOException {
		try (InputStream in = ReadmePropertiesTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("spring-configuration-metadata.json").isNotNull();
			Map<String, Object> json = JsonParserFactory.getJsonParser()
				.parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			Map<String, Row> rows = new TreeMap<>();
			for (Map<String, Object> property : (List<Map<String, Object>>) json.get("properties")) {
				String name = (String) property.get("name");
				if (name.startsWith("chicory.cache.")) {
					Object defaultValue = property.get("defaultValue");
					rows.put(name, new Row((defaultValue != null) ? String.valueOf(defaultValue) : "",
							String.valueOf(property.get("description"))));
				}
			}
			return rows;
		}
	}

	private static Map<String, Row> readme() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		Map<String, Row> rows = new TreeMap<>();
		// Every marked table: the core properties, and those of the Redis tier in its
		// section.
		for (int start = readme.indexOf("<!-- properties:start"); start >= 0; start = readme
			.indexOf("<!-- properties:start", start + 1)) {
			String table = readme.substring(start, readme.indexOf("<!-- properties:end", start));
			for (String line : table.lines().toList()) {
				Matcher matcher = ROW.matcher(line);
				if (matcher.matches()) {
					String defaultValue = (matcher.group(2) != null) ? matcher.group(2) : "";
					rows.put(matcher.group(1), new Row(defaultValue, matcher.group(3)));
				}
			}
		}
		return rows;
	}

	private record Row(String defaultValue, String description) {
	}

}
