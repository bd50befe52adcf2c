package io.github.chicorycache.autoconfigure.endpoint;

import java.nio.file.Path;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.github.chicorycache.autoconfigure.ImportedAutoConfigurations;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryCacheEndpointAutoConfiguration}.
 */
class ChicoryCacheEndpointAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ChicoryCacheAutoConfiguration.class, ChicoryCacheEndpointAutoConfiguration.class));

	private ApplicationContextRunner runner() {
		return this.contextRunner.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"));
	}

	@Test
	void endpointIsAvailableWhenExposed() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=chicorycache").run((context) -> {
			assertThat(context).hasSingleBean(ChicoryCacheEndpoint.class)
				.hasSingleBean(ChicoryCacheEndpointWebExtension.class);
			assertThat(context.getBean(ChicoryCacheEndpoint.class).report().directory())
				.isEqualTo(this.temp.resolve("cache").toString());
		});
	}

	@Test
	void endpointIsNotAvailableWhenNotExposed() {
		runner().run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheEndpoint.class)
			.doesNotHaveBean(ChicoryCacheEndpointWebExtension.class));
	}

	@Test
	void webExtensionIsNotCreatedWhenExposedOverJmxOnly() {
		runner().withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=chicorycache")
			.run((context) -> assertThat(context).hasSingleBean(ChicoryCacheEndpoint.class)
				.doesNotHaveBean(ChicoryCacheEndpointWebExtension.class));
	}

	@Test
	void endpointIsNotAvailableWithoutAccess() {
		runner()
			.withPropertyValues("management.endpoints.web.exposure.include=chicorycache",
					"management.endpoint.chicorycache.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheEndpoint.class));
	}

	@Test
	void readOnlyAccessKeepsTheEndpoint() {
		runner()
			.withPropertyValues("management.endpoints.web.exposure.include=chicorycache",
					"management.endpoint.chicorycache.access=READ_ONLY")
			.run((context) -> assertThat(context).hasSingleBean(ChicoryCacheEndpoint.class));
	}

	@Test
	void endpointWorksWithAUserCache() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=chicorycache")
			.withUserConfiguration(UserCacheConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ChicoryCacheEndpoint.class);
				assertThat(context.getBean(ChicoryCacheEndpoint.class).report().directory()).isNull();
				assertThat(context.getBean(ChicoryCacheEndpoint.class).report().enabled()).isTrue();
			});
	}

	@Test
	void userEndpointBacksOffTheAutoConfiguredOne() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=chicorycache")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ChicoryCacheEndpoint.class).hasBean("userEndpoint"));
	}

	@Test
	void backsOffWithoutActuator() {
		new ApplicationContextRunner().withUserConfiguration(ImportedAutoConfigurations.class)
			.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"),
					"management.endpoints.web.exposure.include=chicorycache")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ChicoryCompiler.class)
				.doesNotHaveBean(ChicoryCacheEndpoint.class)
				.doesNotHaveBean(ChicoryCacheEndpointWebExtension.class));
	}

	@Test
	void backsOffWithoutCompiler() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ChicoryCacheEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=chicorycache")
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCacheEndpoint.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCacheConfiguration {

		@Bean
		MapCache userCache() {
			return new MapCache();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		ChicoryCacheEndpoint userEndpoint(ChicoryCompiler compiler) {
			return new ChicoryCacheEndpoint(compiler, null);
		}

	}

}
