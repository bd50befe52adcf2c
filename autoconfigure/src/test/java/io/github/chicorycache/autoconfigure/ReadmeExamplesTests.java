package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Keeps the examples of README.md that the starter produces (startup failures, the
 * warm-up line, the Chicory version) true: each is produced here and compared with the
 * README. The sample's examples are checked by its {@code SampleApplicationIT}.
 */
@ExtendWith(CapturedLog.Extension.class)
class ReadmeExamplesTests {

	/**
	 * What changes from run to run in a log line: durations and sizes.
	 */
	private static final Pattern VOLATILE = Pattern.compile("in \\d+ ms|\\d[\\d,]* bytes");

	/**
	 * Where the next log event starts in a {@link CapturedLog}.
	 */
	private static final Pattern NEXT_EVENT = Pattern.compile("\\n(TRACE|DEBUG|INFO|WARN|ERROR) [\\w.$]+: ");

	@TempDir
	Path temp;

	@Test
	void invalidPropertyReport(CapturedLog log) {
		assertThatException().isThrownBy(
				() -> run("--chicory.cache.directory=" + this.temp.resolve("cache"), "--chicory.cache.max-size=0"));
		assertThat(failureAnalysis(log)).isEqualTo(readmeBlock("failure-max-size"));
	}

	@Test
	void refusedDirectoryReport(CapturedLog log) throws IOException {
		Path shared = Files.createDirectories(this.temp.resolve("shared-dir"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatException().isThrownBy(() -> run("--chicory.cache.directory=" + shared));
		assertThat(failureAnalysis(log).replace(shared.toString(), "/tmp/shared-dir"))
			.isEqualTo(readmeBlock("failure-shared-directory"));
	}

	@Test
	void warmupLine(CapturedLog log) throws IOException {
		Path wasm = Files.createDirectories(this.temp.resolve("wasm"));
		Files.write(wasm.resolve("one.wasm"), WasmModuleWriter.functions(2, 1));
		Files.write(wasm.resolve("two.wasm"), WasmModuleWriter.functions(3, 2));
		String[] args = { "--chicory.cache.directory=" + this.temp.resolve("cache"),
				"--chicory.cache.warmup.locations=file:" + wasm + "/*.wasm" };
		// the training run fills the cache, the image's first start reads it
		run(args).close();
		run(args).close();
		String expected = masked(readmeBlock("log-warmup"));
		assertThat(log.toString().lines().map(ReadmeExamplesTests::masked)).anySatisfy(
				(line) -> assertThat(line).endsWith("." + ChicoryCacheWarmup.class.getSimpleName() + ": " + expected));
	}

	@Test
	void chicoryVersionOfTheStarterAndItsBom() {
		String version = ChicoryCompiler.builder().build().chicoryVersion();
		assertThat(readme()).contains("The starter brings the auto-configuration, the `chicory-cache` library, Chicory "
				+ version + " (its `compiler`");
		assertThat(readmeBlock("chicory-bom")).contains("<artifactId>bom</artifactId>")
			.contains("<version>" + version + "</version>");
	}

	private static ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplication(ChicoryCacheIntegrationTests.TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		String[] all = new String[args.length + 1];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--spring.jmx.enabled=false";
		return application.run(all);
	}

	/**
	 * Returns what Spring Boot prints for a startup failure, from "Description:" on.
	 */
	private static String failureAnalysis(CapturedLog log) {
		String output = log.toString();
		int start = output.indexOf("Description:");
		assertThat(start).as("failure analysis in the log").isNotNegative();
		Matcher next = NEXT_EVENT.matcher(output);
		int end = next.find(start) ? next.start() : output.length();
		return output.substring(start, end).strip();
	}

	private static String masked(String line) {
		return VOLATILE.matcher(line).replaceAll((match) -> match.group().endsWith("ms") ? "in N ms" : "N bytes");
	}

	static String readme() {
		try {
			return Files.readString(Path.of("..", "README.md"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the fenced block that follows {@code <!-- example:NAME -->} (or
	 * {@code <!-- NAME -->}) in README.md.
	 */
	static String readmeBlock(String name) {
		String readme = readme();
		Matcher marker = Pattern
			.compile("<!-- (?:example:)?" + Pattern.quote(name) + " -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL)
			.matcher(readme);
		assertThat(marker.find()).as("README block " + name).isTrue();
		return marker.group(1);
	}

}
