package io.github.chicorycache.autoconfigure.health;

import java.nio.file.Path;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.github.chicorycache.autoconfigure.ImportedAutoConfigurations;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryCacheHealthContributorAutoConfiguration}.
 */
class ChicoryCacheHealthContributorAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChicoryCacheAutoConfiguration.class,
				ChicoryCacheHealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class));

	private ApplicationContextRunner runner() {
		return this.contextRunner.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"));
	}

	@Test
	void contributesChicoryCacheHealth() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(ChicoryCacheHealthIndicator.class);
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			HealthIndicator contributor = (HealthIndicator) registry.getContributor("chicoryCache");
			assertThat(contributor).isSameAs(context.getBean(ChicoryCacheHealthIndicator.class));
			assertThat(contributor.health().getStatus()).isEqualTo(Status.UP);
			assertThat(contributor.health().getDetails()).containsEntry("directory",
					context.getBean(DirectoryCache.class).root().toString());
		});
	}

	@Test
	void unwritableDirectoryIsUpAndDegraded() throws Exception {
		Path parent = java.nio.file.Files.writeString(this.temp.resolve("parent"), "a file");
		this.contextRunner.withPropertyValues("chicory.cache.directory=" + parent.resolve("cache")).run((context) -> {
			assertThat(context).hasNotFailed();
			HealthIndicator indicator = context.getBean(ChicoryCacheHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			assertThat(indicator.health().getDetails()).containsEntry("writable", false)
				.containsEntry("degraded", true);
		});
	}

	@Test
	void disabledByItsProperty() {
		runner().withPropertyValues("management.health.chicorycache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheHealthIndicator.class)
				.hasSingleBean(DirectoryCache.class));
	}

	@Test
	void disabledWithTheDefaults() {
		runner().withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheHealthIndicator.class));
	}

	@Test
	void enabledByItsPropertyDespiteTheDefaults() {
		runner()
			.withPropertyValues("management.health.defaults.enabled=false",
					"management.health.chicorycache.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ChicoryCacheHealthIndicator.class));
	}

	@Test
	void backsOffWithoutDirectoryCache() {
		runner().withPropertyValues("chicory.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheHealthIndicator.class));
		runner().withBean(MapCache.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheHealthIndicator.class));
	}

	@Test
	void backsOffWithoutSpringBootHealth() {
		new ApplicationContextRunner().withUserConfiguration(ImportedAutoConfigurations.class)
			.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ChicoryCompiler.class)
				.doesNotHaveBean(ChicoryCacheHealthIndicator.class));
	}

}
