package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.chicorycache.CacheDirectoryException;
import io.github.chicorycache.CacheDirectoryException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ChicoryCacheDirectoryFailureAnalyzer}.
 */
@ExtendWith(CapturedLog.Extension.class)
class ChicoryCacheDirectoryFailureAnalyzerTests {

	@TempDir
	Path temp;

	@Test
	void sharedDirectoryIsExplainedWithTheFixAndBothProperties() throws IOException {
		Path shared = Files.createDirectories(this.temp.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		MockEnvironment environment = new MockEnvironment().withProperty("chicory.cache.directory", shared.toString());
		FailureAnalysis analysis = analyze(startupFailure(environment), environment);
		assertThat(analysis.getDescription()).startsWith("The Chicory cache refused its directory:")
			.contains("Cache directory '" + shared + "' is writable by group or others (rwxrwxrwx)")
			.contains("It is set by 'chicory.cache.directory' (originating from '");
		assertThat(analysis.getAction()).startsWith(Reason.SHARED_PERMISSIONS.fix())
			.contains("To use another directory, set 'chicory.cache.directory'.")
			.contains("set 'chicory.cache.allow-shared-directory' to true");
		assertThat(analysis.getCause()).isInstanceOf(CacheDirectoryException.class);
	}

	@Test
	void aRegularFileIsNotFixedByAllowingASharedDirectory() throws IOException {
		Path file = Files.writeString(this.temp.resolve("file"), "not a directory");
		MockEnvironment environment = new MockEnvironment().withProperty("chicory.cache.directory", file.toString());
		FailureAnalysis analysis = analyze(startupFailure(environment), environment);
		assertThat(analysis.getDescription()).contains("is not a directory");
		assertThat(analysis.getAction()).startsWith(Reason.NOT_A_DIRECTORY.fix())
			.doesNotContain("allow-shared-directory");
	}

	@Test
	void theDefaultDirectoryIsNamedAsSuch() {
		CacheDirectoryException failure = new CacheDirectoryException(this.temp, Reason.FOREIGN_OWNER,
				"Cache directory '" + this.temp + "' is owned by 'nobody'");
		FailureAnalysis analysis = new ChicoryCacheDirectoryFailureAnalyzer(new MockEnvironment()).analyze(failure);
		assertThat(analysis.getDescription())
			.endsWith("It is the default directory ('chicory.cache.directory' is not set).");
		assertThat(analysis.getAction()).startsWith(Reason.FOREIGN_OWNER.fix());
	}

	@Test
	void startupFailureIsReportedWithTheAnalysis(CapturedLog log) throws IOException {
		Path shared = Files.createDirectories(this.temp.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		SpringApplication application = new SpringApplication(ChicoryCacheIntegrationTests.TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> application.run("--chicory.cache.directory=" + shared, "--spring.jmx.enabled=false"));
		assertThat(log).contains("APPLICATION FAILED TO START")
			.contains("The Chicory cache refused its directory:")
			.contains("It is set by 'chicory.cache.directory' (originating from "
					+ "'\"chicory.cache.directory\" from property source \"commandLineArgs\"').")
			.contains("set 'chicory.cache.allow-shared-directory' to true");
	}

	private static Throwable startupFailure(MockEnvironment environment) {
		Throwable[] failure = new Throwable[1];
		new ApplicationContextRunner(() -> {
			AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
			context.setEnvironment(environment);
			return context;
		}).withConfiguration(AutoConfigurations.of(ChicoryCacheAutoConfiguration.class))
			.run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).isInstanceOf(BeanCreationException.class);
		return failure[0];
	}

	private static FailureAnalysis analyze(Throwable failure, Environment environment) {
		FailureAnalysis analysis = new ChicoryCacheDirectoryFailureAnalyzer(environment).analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
