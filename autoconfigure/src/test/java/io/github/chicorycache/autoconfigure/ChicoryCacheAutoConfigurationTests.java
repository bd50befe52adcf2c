package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CacheDirectoryException;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationListener;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.MachineFactoryCompilerCustomizer;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpoint;
import io.github.chicorycache.autoconfigure.health.ChicoryCacheHealthIndicator;
import io.github.chicorycache.autoconfigure.metrics.ChicoryCacheMeterBinder;
import io.github.chicorycache.autoconfigure.metrics.ChicoryCompilerMeterBinder;
import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryCacheAutoConfiguration}.
 */
class ChicoryCacheAutoConfigurationTests {

	@TempDir
	Path temp;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChicoryCacheAutoConfiguration.class));

	private ApplicationContextRunner runner() {
		// XDG_CACHE_HOME comes from the Spring environment, so the default directory is
		// under the test's temporary directory, never the real home.
		return this.contextRunner.withPropertyValues("XDG_CACHE_HOME=" + this.temp.resolve("xdg"));
	}

	private ApplicationContextRunner runnerWithDirectory() {
		return runner().withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"));
	}

	@Test
	void defaultsCreateDirectoryCacheAtTheResolvedDirectoryAndACompilerUsingIt() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(DirectoryCache.class)
				.hasSingleBean(ChicoryCompiler.class)
				.hasSingleBean(DirectoryCacheCleanupScheduler.class)
				.hasSingleBean(ChicoryCacheProperties.class)
				.doesNotHaveBean(ChicoryCacheWarmup.class);
			DirectoryCache cache = context.getBean(DirectoryCache.class);
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			assertThat(cache.root()).isEqualTo(this.temp.resolve("xdg").resolve("chicory"));
			assertThat(cache.root()).isDirectory();
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.root())))
				.isEqualTo("rwx------");
			assertThat(compiler.cache()).isSameAs(cache);
			assertThat(cache.isReadOnly()).isFalse();
			assertThat(cache.limits().maxSizeBytes()).isEqualTo(1024L * 1024 * 1024);
			assertThat(cache.limits().maxEntries()).isEqualTo(Long.MAX_VALUE);
			assertThat(cache.limits().maxAge()).isNull();
			assertThat(context.getBean(DirectoryCacheCleanupScheduler.class).getInterval())
				.isEqualTo(Duration.ofMinutes(10));
			assertThat(context.getBean(DirectoryCacheCleanupScheduler.class).isRunning()).isTrue();
		});
	}

	@Test
	void defaultDirectoryUsesUserHomeWithoutXdgCacheHome() {
		Path home = this.temp.resolve("home");
		this.contextRunner.withPropertyValues("XDG_CACHE_HOME=", "user.home=" + home).run((context) -> {
			assertThat(context).hasSingleBean(DirectoryCache.class);
			assertThat(context.getBean(DirectoryCache.class).root())
				.isEqualTo(home.resolve(".cache").resolve("chicory"));
		});
	}

	@Test
	void compilerStoresCompiledModulesInTheDirectoryCacheAndReusesThem() {
		runnerWithDirectory().run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			DirectoryCache cache = context.getBean(DirectoryCache.class);
			WasmModule module = module(1);
			assertThat(compiler.compile(module).event().source()).isEqualTo(CompilationSource.COMPILER);
			assertThat(call(compiler, module, "f2", 10)).isEqualTo(13);
			assertThat(compiler.compile(module(1)).event().source()).isEqualTo(CompilationSource.MEMORY);
			awaitPuts(cache, 1);
			compiler.clearMemory();
			assertThat(compiler.compile(module(1)).event().source()).isEqualTo(CompilationSource.DISK);
			assertThat(cache.stats().puts()).isEqualTo(1);
			assertThat(cache.entries()).singleElement()
				.satisfies((entry) -> assertThat(entry.namespace()).isEqualTo(compiler.namespace()));
		});
	}

	@Test
	void limitPropertiesAreApplied() {
		runnerWithDirectory()
			.withPropertyValues("chicory.cache.max-size=10MB", "chicory.cache.max-entries=42",
					"chicory.cache.max-age=7d", "chicory.cache.cleanup-interval=30s")
			.run((context) -> {
				DirectoryCache cache = context.getBean(DirectoryCache.class);
				assertThat(cache.root()).isEqualTo(this.temp.resolve("cache"));
				assertThat(cache.limits().maxSizeBytes()).isEqualTo(10L * 1024 * 1024);
				assertThat(cache.limits().maxEntries()).isEqualTo(42);
				assertThat(cache.limits().maxAge()).isEqualTo(Duration.ofDays(7));
				assertThat(context.getBean(DirectoryCacheCleanupScheduler.class).getInterval())
					.isEqualTo(Duration.ofSeconds(30));
			});
	}

	@Test
	void maxEntrySizeKeepsLargerEntriesOut() {
		runnerWithDirectory().withPropertyValues("chicory.cache.max-entry-size=1KB").run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			DirectoryCache cache = context.getBean(DirectoryCache.class);
			compiler.compile(module(13));
			Await.await("the entry refused", 30_000, () -> cache.stats().faults() > 0);
			assertThat(cache.stats().puts()).isZero();
			assertThat(cache.entries()).isEmpty();
		});
	}

	@Test
	void maxEntriesIsEnforcedByCleanup() {
		runnerWithDirectory().withPropertyValues("chicory.cache.max-entries=2").run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			DirectoryCache cache = context.getBean(DirectoryCache.class);
			for (int seed = 1; seed <= 4; seed++) {
				compiler.compile(module(seed));
			}
			awaitPuts(cache, 4);
			cache.cleanup();
			assertThat(cache.entries()).hasSizeLessThanOrEqualTo(2);
		});
	}

	@Test
	void tempFileMaxAgeDecidesWhichTemporaryFilesAreOrphans() throws IOException {
		Path root = ownerOnlyDirectory(this.temp.resolve("cache"));
		Path tempDirectory = ownerOnlyDirectory(root.resolve(DirectoryCache.TEMP_DIRECTORY));
		Path twoHoursOld = tempFile(tempDirectory, "old", Duration.ofHours(2));
		Path tenMinutesOld = tempFile(tempDirectory, "recent", Duration.ofMinutes(10));
		runnerWithDirectory().run((context) -> {
			context.getBean(DirectoryCache.class).cleanup();
			assertThat(twoHoursOld).doesNotExist();
			assertThat(tenMinutesOld).exists();
		});
		runnerWithDirectory().withPropertyValues("chicory.cache.temp-file-max-age=5m").run((context) -> {
			context.getBean(DirectoryCache.class).cleanup();
			assertThat(tenMinutesOld).doesNotExist();
		});
	}

	@Test
	void readOnlyNeitherCreatesTheDirectoryNorWrites() {
		Path directory = this.temp.resolve("prebuilt");
		this.contextRunner.withPropertyValues("chicory.cache.directory=" + directory, "chicory.cache.read-only=true")
			.run((context) -> {
				DirectoryCache cache = context.getBean(DirectoryCache.class);
				assertThat(cache.isReadOnly()).isTrue();
				assertThat(cache.isWritable()).isFalse();
				ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
				assertThat(compiler.cache()).isSameAs(cache);
				assertThat(compiler.compile(module(2)).event().source()).isEqualTo(CompilationSource.COMPILER);
				assertThat(cache.stats().puts()).isZero();
				assertThat(directory).doesNotExist();
			});
	}

	@Test
	void readOnlyReadsEntriesThatAnotherContextWrote() {
		runnerWithDirectory().run((context) -> context.getBean(ChicoryCompiler.class).compile(module(3)));
		runnerWithDirectory().withPropertyValues("chicory.cache.read-only=true").run((context) -> {
			assertThat(context.getBean(ChicoryCompiler.class).compile(module(3)).event().source())
				.isEqualTo(CompilationSource.DISK);
			assertThat(context.getBean(DirectoryCache.class).stats().hits()).isOne();
		});
	}

	@Test
	void sharedDirectoryIsAcceptedWithAllowSharedDirectory() throws IOException {
		Path shared = sharedDirectory(this.temp.resolve("shared"));
		this.contextRunner
			.withPropertyValues("chicory.cache.directory=" + shared, "chicory.cache.allow-shared-directory=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DirectoryCache.class).root()).isEqualTo(shared);
			});
	}

	@Test
	void sharedDirectoryFailsStartupWithoutAllowSharedDirectory() throws IOException {
		Path shared = sharedDirectory(this.temp.resolve("shared"));
		this.contextRunner.withPropertyValues("chicory.cache.directory=" + shared).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure().rootCause().isInstanceOfSatisfying(CacheDirectoryException.class, (ex) -> {
				assertThat(ex.directory()).isEqualTo(shared);
				assertThat(ex.reason()).isEqualTo(CacheDirectoryException.Reason.SHARED_PERMISSIONS);
			}).hasMessageContaining(shared.toString()).hasMessageContaining("writable by group or others");
		});
	}

	@Test
	void directoryThatIsARegularFileFailsStartup() throws IOException {
		Path file = Files.writeString(this.temp.resolve("file"), "not a directory");
		this.contextRunner.withPropertyValues("chicory.cache.directory=" + file).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(CacheDirectoryException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(CacheDirectoryException.Reason.NOT_A_DIRECTORY))
				.hasMessageContaining("is not a directory");
		});
	}

	@Test
	void interpreterFallbackIsPartOfTheNamespace() {
		String defaultNamespace = namespace(runnerWithDirectory());
		String explicitDefault = namespace(
				runnerWithDirectory().withPropertyValues("chicory.cache.compiler.interpreter-fallback=warn"));
		String fail = namespace(
				runnerWithDirectory().withPropertyValues("chicory.cache.compiler.interpreter-fallback=fail"));
		String silent = namespace(
				runnerWithDirectory().withPropertyValues("chicory.cache.compiler.interpreter-fallback=SILENT"));
		assertThat(defaultNamespace).startsWith("chicory-");
		assertThat(explicitDefault).isEqualTo(defaultNamespace);
		assertThat(List.of(defaultNamespace, fail, silent)).doesNotHaveDuplicates();
		assertThat(fail).isEqualTo(namespaceOf((builder) -> builder.withInterpreterFallback(InterpreterFallback.FAIL)));
	}

	@Test
	void maxFunctionsPerClassChangesTheNamespaceAndEntriesAreStoredThere() {
		String defaultNamespace = namespace(runnerWithDirectory());
		runnerWithDirectory().withPropertyValues("chicory.cache.compiler.max-functions-per-class=2").run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			assertThat(compiler.namespace()).isNotEqualTo(defaultNamespace)
				.isEqualTo(namespaceOf((builder) -> builder.withMaxFunctionsPerClass(2)));
			WasmModule module = module(4);
			compiler.compile(module);
			assertThat(call(compiler, module, "f2", 1)).isEqualTo(7);
			awaitPuts(context.getBean(DirectoryCache.class), 1);
			assertThat(context.getBean(DirectoryCache.class).root().resolve(compiler.namespace())).isDirectory();
			assertThat(context.getBean(DirectoryCache.class).root().resolve(defaultNamespace)).doesNotExist();
		});
	}

	@Test
	void memoryMaxEntriesZeroDisablesReuseInTheJvm() {
		runnerWithDirectory().withPropertyValues("chicory.cache.memory.max-entries=0").run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			assertThat(compiler.compile(module(5)).event().source()).isEqualTo(CompilationSource.COMPILER);
			awaitPuts(context.getBean(DirectoryCache.class), 1);
			assertThat(compiler.compile(module(5)).event().source()).isEqualTo(CompilationSource.DISK);
			assertThat(compiler.stats().memoryEntries()).isZero();
		});
	}

	@Test
	void memoryMaxSizeBoundsReuseInTheJvm() {
		runnerWithDirectory().withPropertyValues("chicory.cache.memory.max-size=1B").run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			compiler.compile(module(6));
			awaitPuts(context.getBean(DirectoryCache.class), 1);
			assertThat(compiler.compile(module(6)).event().source()).isEqualTo(CompilationSource.DISK);
			assertThat(compiler.stats().memoryBytes()).isZero();
		});
		runnerWithDirectory().withPropertyValues("chicory.cache.memory.max-size=64MB").run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			compiler.compile(module(6));
			assertThat(compiler.compile(module(6)).event().source()).isEqualTo(CompilationSource.MEMORY);
			assertThat(compiler.stats().memoryEntries()).isOne();
		});
	}

	@Test
	void userCacheReplacesTheDirectoryCache() {
		runner().withUserConfiguration(UserCacheConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(DirectoryCache.class)
				.doesNotHaveBean(DirectoryCacheCleanupScheduler.class)
				.hasSingleBean(Cache.class)
				.hasSingleBean(ChicoryCompiler.class);
			MapCache userCache = context.getBean(MapCache.class);
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			assertThat(compiler.cache()).isSameAs(userCache);
			compiler.compile(module(7));
			Await.await("the entry stored in the user's cache", 30_000, () -> userCache.entries.size() == 1);
			compiler.clearMemory();
			assertThat(compiler.compile(module(7)).event().source()).isEqualTo(CompilationSource.DISK);
			assertThat(this.temp.resolve("xdg")).doesNotExist();
		});
	}

	@Test
	void userCompilerBacksOffTheAutoConfiguredOne() {
		runnerWithDirectory().withUserConfiguration(UserCompilerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ChicoryCompiler.class);
			assertThat(context.getBean(ChicoryCompiler.class)).isSameAs(context.getBean("userCompiler"));
			assertThat(context.getBean(ChicoryCompiler.class).cache()).isNull();
			assertThat(context).hasSingleBean(DirectoryCache.class);
		});
	}

	@Test
	void disabledKeepsACompilerWithoutCacheThatWritesNothing() {
		runner().withPropertyValues("chicory.cache.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(ChicoryCompiler.class)
				.doesNotHaveBean(DirectoryCache.class)
				.doesNotHaveBean(DirectoryCacheCleanupScheduler.class);
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			assertThat(compiler.cache()).isNull();
			WasmModule module = module(8);
			assertThat(compiler.compile(module).event().source()).isEqualTo(CompilationSource.COMPILER);
			assertThat(call(compiler, module, "f0", 1)).isEqualTo(9);
			assertThat(compiler.compile(module(8)).event().source()).isEqualTo(CompilationSource.MEMORY);
		});
		assertThat(this.temp.resolve("xdg")).doesNotExist();
	}

	@Test
	void disabledIgnoresAUserCache() {
		runner().withPropertyValues("chicory.cache.enabled=false")
			.withUserConfiguration(UserCacheConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(ChicoryCompiler.class).cache()).isNull();
				context.getBean(ChicoryCompiler.class).compile(module(9));
				assertThat(context.getBean(MapCache.class).entries).isEmpty();
			});
	}

	@Test
	void userCustomizersRunAfterThePropertiesInOrder() {
		String propertiesOnly = namespace(
				runnerWithDirectory().withPropertyValues("chicory.cache.compiler.max-functions-per-class=100"));
		String lastCustomizerWins = namespace(
				runnerWithDirectory().withPropertyValues("chicory.cache.compiler.max-functions-per-class=400"));
		runnerWithDirectory().withPropertyValues("chicory.cache.compiler.max-functions-per-class=100")
			.withUserConfiguration(OrderedCustomizersConfiguration.class)
			.run((context) -> {
				ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
				RecordingCustomizers recorder = context.getBean(RecordingCustomizers.class);
				recorder.calls.clear();
				String namespace = compiler.namespace();
				// registered second-first, applied by @Order: first (300), then second
				// (400), both after the property (100)
				assertThat(recorder.calls).containsExactly("first", "second");
				assertThat(namespace).isNotEqualTo(propertiesOnly).isEqualTo(lastCustomizerWins);
			});
	}

	@Test
	void modulesLoadedAreLoggedByTheCompilationLogger() {
		runnerWithDirectory().run((context) -> {
			assertThat(context).hasSingleBean(CompilationLogger.class);
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			assertThat(compiler.compile(module(12)).event().source()).isEqualTo(CompilationSource.COMPILER);
		});
		runnerWithDirectory().withBean("chicoryCompilationLogger", CompilationLogger.class, CompilationLogger::new)
			.run((context) -> assertThat(context).hasSingleBean(CompilationLogger.class));
	}

	@Test
	void compilationListenersReceiveEvents() {
		runnerWithDirectory().withUserConfiguration(ListenerConfiguration.class).run((context) -> {
			ChicoryCompiler compiler = context.getBean(ChicoryCompiler.class);
			compiler.compile(module(10));
			compiler.compile(module(10));
			List<CompilationEvent> events = context.getBean(RecordingListener.class).events;
			assertThat(events).extracting(CompilationEvent::source)
				.containsExactly(CompilationSource.COMPILER, CompilationSource.MEMORY);
			assertThat(events).extracting(CompilationEvent::namespace).containsOnly(compiler.namespace());
		});
	}

	@Test
	void negativeMaxSizeFailsStartup() {
		assertRejected("chicory.cache.max-size=-1MB");
	}

	@Test
	void zeroMaxSizeFailsStartup() {
		assertRejected("chicory.cache.max-size=0");
	}

	@Test
	void zeroMaxEntrySizeFailsStartup() {
		assertRejected("chicory.cache.max-entry-size=0");
	}

	@Test
	void zeroMaxEntriesFailsStartup() {
		assertRejected("chicory.cache.max-entries=0");
	}

	@Test
	void negativeMaxEntriesFailsStartup() {
		assertRejected("chicory.cache.max-entries=-5");
	}

	@Test
	void zeroMaxAgeFailsStartup() {
		assertRejected("chicory.cache.max-age=0s");
	}

	@Test
	void negativeMaxAgeFailsStartup() {
		assertRejected("chicory.cache.max-age=-1h");
	}

	@Test
	void zeroCleanupIntervalFailsStartup() {
		assertRejected("chicory.cache.cleanup-interval=0ms");
	}

	@Test
	void negativeTempFileMaxAgeFailsStartup() {
		assertRejected("chicory.cache.temp-file-max-age=-1m");
	}

	@Test
	void zeroMaxFunctionsPerClassFailsStartup() {
		assertRejected("chicory.cache.compiler.max-functions-per-class=0");
	}

	@Test
	void negativeMemoryMaxEntriesFailsStartup() {
		assertRejected("chicory.cache.memory.max-entries=-1");
	}

	@Test
	void negativeMemoryMaxSizeFailsStartup() {
		assertRejected("chicory.cache.memory.max-size=-1KB");
	}

	@Test
	void unknownInterpreterFallbackFailsStartup() {
		assertInvalid("chicory.cache.compiler.interpreter-fallback=MAYBE",
				"chicory.cache.compiler.interpreter-fallback");
	}

	@Test
	void unknownWarmupModeFailsStartup() {
		assertInvalid("chicory.cache.warmup.mode=later", "chicory.cache.warmup.mode");
	}

	@Test
	void invalidValuesAreReportedTogether() {
		runnerWithDirectory().withPropertyValues("chicory.cache.max-size=0", "chicory.cache.max-entries=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
						assertThat(ex.getName()).isEqualTo("chicory.cache.max-size");
						assertThat(ex.getValue()).isEqualTo("0");
						assertThat(ex.getReason()).startsWith("The maximum size must be positive")
							.contains("Also invalid: 'chicory.cache.max-entries' with the value '0'. "
									+ "The maximum number of entries must be positive");
					});
			});
	}

	@Test
	void withoutActuatorAndMicrometerTheCoreBeansRemain() {
		new ApplicationContextRunner().withUserConfiguration(ImportedAutoConfigurations.class)
			.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("cache"),
					"management.endpoints.web.exposure.include=*")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
					"org.springframework.boot.health", "io.micrometer"))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(DirectoryCache.class)
					.hasSingleBean(ChicoryCompiler.class)
					.hasSingleBean(DirectoryCacheCleanupScheduler.class)
					.doesNotHaveBean(ChicoryCacheEndpoint.class)
					.doesNotHaveBean(ChicoryCacheHealthIndicator.class)
					.doesNotHaveBean(ChicoryCacheMeterBinder.class)
					.doesNotHaveBean(ChicoryCompilerMeterBinder.class);
				assertThat(context.getBean(ChicoryCompiler.class).compile(module(11)).event().source())
					.isEqualTo(CompilationSource.COMPILER);
			});
	}

	@Test
	void withoutChicoryCompilerOnTheClasspathNothingIsConfigured() {
		runnerWithDirectory().withClassLoader(new FilteredClassLoader(MachineFactoryCompiler.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ChicoryCompiler.class)
				.doesNotHaveBean(DirectoryCache.class)
				.doesNotHaveBean(ChicoryCacheProperties.class));
	}

	@Test
	void rejectedValueIsShownAsTypedInAnyFormOfTheName() {
		runnerWithDirectory().withPropertyValues("chicory.cache.maxAge=-1d").run((context) -> {
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("chicory.cache.max-age");
					assertThat(ex.getValue()).isEqualTo("-1d");
				});
		});
	}

	/**
	 * Asserts that a value that binds but makes no sense fails startup before the cache
	 * directory is created, naming the property once, in kebab case, with the value as
	 * written.
	 */
	private void assertRejected(String property) {
		String name = property.substring(0, property.indexOf('='));
		String value = property.substring(property.indexOf('=') + 1);
		runnerWithDirectory().withPropertyValues(property).run((context) -> {
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(name);
					assertThat(ex.getValue()).isEqualTo(value);
					assertThat(ex.getReason()).endsWith(".").doesNotContain("Also invalid");
				});
			assertThat(this.temp.resolve("cache")).doesNotExist();
		});
	}

	private void assertInvalid(String property, String name) {
		runnerWithDirectory().withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(failureMessages(context.getStartupFailure())).contains(name);
			assertThat(this.temp.resolve("cache")).doesNotExist();
		});
	}

	/**
	 * Returns the messages of a failure and its causes, which is what the failure
	 * analysis shows (binding failures name the property in the cause that the conversion
	 * failure is wrapped in).
	 */
	static String failureMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	/**
	 * Waits until the compiler's background writer stored as many entries: a compilation
	 * returns before its entry is written.
	 */
	static void awaitPuts(DirectoryCache cache, long puts) {
		Await.await(puts + " entries stored", 30_000, () -> cache.stats().puts() >= puts);
	}

	private static String namespace(ApplicationContextRunner runner) {
		List<String> namespace = new ArrayList<>();
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			namespace.add(context.getBean(ChicoryCompiler.class).namespace());
		});
		return namespace.get(0);
	}

	private static String namespaceOf(Consumer<MachineFactoryCompiler.Builder> options) {
		return ChicoryCompiler.builder().withCustomizer(options::accept).build().namespace();
	}

	static WasmModule module(int seed) {
		return Parser.parse(WasmModuleWriter.functions(3, seed));
	}

	private static int call(ChicoryCompiler compiler, WasmModule module, String function, int argument) {
		Instance instance = compiler.instanceBuilder(module).build();
		return (int) instance.export(function).apply(argument)[0];
	}

	private static Path ownerOnlyDirectory(Path directory) throws IOException {
		Files.createDirectories(directory);
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
		return directory;
	}

	private static Path sharedDirectory(Path directory) throws IOException {
		Files.createDirectories(directory);
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		return directory;
	}

	private static Path tempFile(Path directory, String name, Duration age) throws IOException {
		Path file = Files.writeString(directory.resolve("pid1-" + name + ".tmp"), "partial");
		Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
		return file;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCacheConfiguration {

		@Bean
		MapCache userCache() {
			return new MapCache();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCompilerConfiguration {

		@Bean
		ChicoryCompiler userCompiler() {
			return ChicoryCompiler.builder().build();
		}

	}

	static class RecordingCustomizers {

		final List<String> calls = new CopyOnWriteArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedCustomizersConfiguration {

		@Bean
		RecordingCustomizers recordingCustomizers() {
			return new RecordingCustomizers();
		}

		@Bean
		@Order(2)
		MachineFactoryCompilerCustomizer second(RecordingCustomizers recorder) {
			return (builder) -> {
				recorder.calls.add("second");
				builder.withMaxFunctionsPerClass(400);
			};
		}

		@Bean
		@Order(1)
		MachineFactoryCompilerCustomizer first(RecordingCustomizers recorder) {
			return (builder) -> {
				recorder.calls.add("first");
				builder.withMaxFunctionsPerClass(300);
			};
		}

	}

	static class RecordingListener implements CompilationListener {

		final List<CompilationEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onCompilation(CompilationEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@Bean
		RecordingListener recordingListener() {
			return new RecordingListener();
		}

	}

}
