package io.github.chicorycache.autoconfigure.metrics;

import java.nio.file.Path;

import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.github.chicorycache.autoconfigure.ImportedAutoConfigurations;
import io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryCacheMetricsAutoConfiguration}.
 */
class ChicoryCacheMetricsAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, ChicoryCacheAutoConfiguration.class,
				ChicoryCacheMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	private ApplicationContextRunner runner() {
		return this.contextRunner.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"));
	}

	@Test
	void metersAreBoundToTheRegistryAndFollowTheCache() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(ChicoryCacheMeterBinder.class)
				.hasSingleBean(ChicoryCompilerMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			WasmModule first = EndpointTestSupport.module(1);
			WasmModule second = EndpointTestSupport.module(2);
			DirectoryCache cache = context.getBean(DirectoryCache.class);
			EndpointTestSupport.compileAndStore(compiler, cache, first);
			EndpointTestSupport.compileAndStore(compiler, cache, second);
			compiler.compile(first);
			compiler.clearMemory();
			compiler.compile(first);
			compiler.compile(second);
			assertThat(gets(registry, "hit")).isEqualTo(2);
			assertThat(gets(registry, "miss")).isEqualTo(2);
			assertThat(registry.get("cache.puts").tag("cache", "chicory").functionCounter().count()).isEqualTo(2);
			assertThat(registry.get("cache.evictions").tag("cache", "chicory").functionCounter().count()).isZero();
			assertThat(registry.get("cache.size").tag("cache", "chicory").gauge().value()).isEqualTo(2);
			assertThat(registry.get("chicory.cache.size.bytes").gauge().value()).isPositive();
			assertThat(registry.get("chicory.compile").tag("source", "compiler").functionTimer().count()).isEqualTo(2);
			assertThat(registry.get("chicory.compile").tag("source", "memory").functionTimer().count()).isEqualTo(1);
			assertThat(registry.get("chicory.compile").tag("source", "disk").functionTimer().count()).isEqualTo(2);
		});
	}

	@Test
	void onlyCompilerMetersWithoutDirectoryCache() {
		runner().withPropertyValues("chicory.cache.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(ChicoryCompilerMeterBinder.class)
				.doesNotHaveBean(ChicoryCacheMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(ChicoryCompiler.class).compile(EndpointTestSupport.module(1));
			assertThat(registry.find("cache.gets").meters()).isEmpty();
			assertThat(registry.get("chicory.compile").tag("source", "compiler").functionTimer().count()).isEqualTo(1);
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		new ApplicationContextRunner().withUserConfiguration(ImportedAutoConfigurations.class)
			.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"))
			.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ChicoryCompiler.class)
				.doesNotHaveBean(ChicoryCacheMeterBinder.class)
				.doesNotHaveBean(ChicoryCompilerMeterBinder.class));
	}

	private static double gets(MeterRegistry registry, String result) {
		return registry.get("cache.gets").tags("cache", "chicory", "result", result).functionCounter().count();
	}

}
