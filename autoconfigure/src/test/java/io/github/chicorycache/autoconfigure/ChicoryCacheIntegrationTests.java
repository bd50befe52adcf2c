package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheWarmup.WarmupResult;
import io.github.chicorycache.testsupport.RealModules;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests: an application that warms up a real module (WABT's {@code wat2wasm},
 * about 1.4 MB) fills the cache, and a second application over the same directory gets it
 * from disk.
 */
class ChicoryCacheIntegrationTests {

	@TempDir
	Path temp;

	@Test
	void secondApplicationGetsTheWarmedUpModuleFromDisk() throws IOException {
		byte[] bytes = RealModules.wat2wasm();
		Path module = Files.write(Files.createDirectories(this.temp.resolve("modules")).resolve("wat2wasm.wasm"),
				bytes);
		Path cacheDirectory = this.temp.resolve("cache");
		String[] args = { "--chicory.cache.directory=" + cacheDirectory,
				"--chicory.cache.warmup.locations=file:" + module.getParent() + "/*.wasm", "--spring.jmx.enabled=false",
				"--spring.main.banner-mode=off" };
		String namespace;
		try (ConfigurableApplicationContext context = application().run(args)) {
			WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
			assertThat(result).isNotNull();
			assertThat(result.failures()).isEmpty();
			assertThat(result.modules()).containsExactly(Map.entry("file:" + module, CompilationSource.COMPILER));
			DirectoryCache cache = context.getBean(DirectoryCache.class);
			ChicoryCacheAutoConfigurationTests.awaitPuts(cache, 1);
			assertThat(cache.stats().puts()).isOne();
			assertThat(cache.stats().misses()).isOne();
			namespace = context.getBean(ChicoryCompiler.class).namespace();
			assertThat(cache.entries()).singleElement().satisfies((entry) -> {
				assertThat(entry.namespace()).isEqualTo(namespace);
				assertThat(entry.key()).isEqualTo(Parser.parse(bytes).digest());
			});
		}
		try (ConfigurableApplicationContext context = application().run(args)) {
			WarmupResult result = context.getBean(ChicoryCacheWarmup.class).getResult();
			assertThat(result).isNotNull();
			assertThat(result.modules()).containsExactly(Map.entry("file:" + module, CompilationSource.DISK));
			DirectoryCache cache = context.getBean(DirectoryCache.class);
			assertThat(cache.stats().hits()).isOne();
			assertThat(cache.stats().puts()).isZero();
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			assertThat(compiler.namespace()).isEqualTo(namespace);
			// the application's own compilation reuses the warmed-up code
			WasmModule parsed = Parser.parse(bytes);
			Compilation compilation = compiler.compile(parsed);
			assertThat(compilation.event().source()).isEqualTo(CompilationSource.MEMORY);
			assertThat(compilation.machineFactory()).isNotNull();
			assertThat(compiler.stats().compilations(CompilationSource.COMPILER)).isZero();
			assertThat(compiler.load(bytes).event().source()).isEqualTo(CompilationSource.MEMORY);
		}
	}

	@Test
	void synchronousWarmupIsOverBeforeTheWebServerAcceptsRequests() throws IOException {
		Path module = Files.write(Files.createDirectories(this.temp.resolve("modules")).resolve("small.wasm"),
				WasmModuleWriter.functions(50, 1));
		AtomicReference<@Nullable WarmupResult> atServerStart = new AtomicReference<>();
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		application.addListeners((ApplicationListener<WebServerInitializedEvent>) (event) -> atServerStart
			.set(event.getApplicationContext().getBean(ChicoryCacheWarmup.class).getResult()));
		try (ConfigurableApplicationContext context = application.run("--server.port=0",
				"--chicory.cache.directory=" + this.temp.resolve("cache"),
				"--chicory.cache.warmup.locations=file:" + module, "--spring.jmx.enabled=false",
				"--spring.main.banner-mode=off")) {
			assertThat(context.getBean(ChicoryCacheWarmup.class).getResult()).isSameAs(atServerStart.get());
			assertThat(atServerStart.get()).as("warm-up result when the web server started").isNotNull();
			assertThat(atServerStart.get().modules()).containsValue(CompilationSource.COMPILER);
		}
	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
