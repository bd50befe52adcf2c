package io.github.chicorycache.autoconfigure.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.chicorycache.autoconfigure.CapturedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Keeps the startup failure that the README's Redis section shows true: an application
 * that enables the tier without a secret fails with that one message.
 */
@ExtendWith(CapturedLog.Extension.class)
class ChicoryCacheRedisReadmeExamplesTests {

	private static final Pattern NEXT_EVENT = Pattern.compile("\\n(TRACE|DEBUG|INFO|WARN|ERROR) [\\w.$]+: ");

	@TempDir
	Path temp;

	@Test
	void enabledWithoutASecret(CapturedLog log) throws IOException {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		// Port 1: nothing listens there, and nothing connects before the failure anyway.
		assertThatException()
			.isThrownBy(() -> application.run("--chicory.cache.directory=" + this.temp.resolve("cache"),
					"--spring.data.redis.port=1", "--chicory.cache.redis.enabled=true", "--spring.jmx.enabled=false"));
		String output = log.toString();
		int start = output.indexOf("Description:");
		assertThat(start).as("failure analysis in the log").isNotNegative();
		Matcher next = NEXT_EVENT.matcher(output);
		int end = next.find(start) ? next.start() : output.length();
		assertThat(output.substring(start, end).strip()).isEqualTo(readmeBlock("failure-redis-secret"));
	}

	private static String readmeBlock(String name) throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		Matcher marker = Pattern
			.compile("<!-- example:" + Pattern.quote(name) + " -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL)
			.matcher(readme);
		assertThat(marker.find()).as("README block " + name).isTrue();
		return marker.group(1);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
