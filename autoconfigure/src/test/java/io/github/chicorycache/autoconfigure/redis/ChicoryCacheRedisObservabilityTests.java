package io.github.chicorycache.autoconfigure.redis;

import java.nio.file.Path;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.CacheDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemoteDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpoint;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpointAutoConfiguration;
import io.github.chicorycache.autoconfigure.metrics.ChicoryCacheMetricsAutoConfiguration;
import io.github.chicorycache.redis.RedisCacheTier;
import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.RedisServerProcess;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis tier in the {@code chicorycache} endpoint (its {@code remote} object and
 * {@code compilations.remote}), as the {@code chicoryCacheRemote} health contributor
 * (never {@code DOWN}, {@code degraded} while Redis is skipped), and as meters.
 */
class ChicoryCacheRedisObservabilityTests {

	private static final String SECRET = "a fleet secret of at least 32 bytes!";

	@TempDir
	static Path serverDirectory;

	static RedisServerProcess server;

	@TempDir
	Path temp;

	@BeforeAll
	static void startRedis() {
		server = RedisServerProcess.start(serverDirectory);
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	@BeforeEach
	void flush() {
		server.command("FLUSHALL");
	}

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChicoryCacheAutoConfiguration.class, DataRedisAutoConfiguration.class,
				ChicoryCacheRedisAutoConfiguration.class, ChicoryCacheEndpointAutoConfiguration.class,
				ChicoryCacheMetricsAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=chicorycache",
				"chicory.cache.redis.enabled=true", "chicory.cache.redis.secret=" + SECRET);

	private ApplicationContextRunner runner(String instance, int port) {
		return this.contextRunner.withPropertyValues("chicory.cache.directory=" + this.temp.resolve(instance),
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port);
	}

	@Test
	void theEndpointShowsTheRemoteTierAndRemoteCompilations() {
		runner("a", server.port()).run((context) -> {
			compile(context);
			RedisCacheTier tier = context.getBean(RedisCacheTier.class);
			Await.await("the publish", 30_000, () -> tier.stats().puts() == 1);
			RemoteDescriptor remote = context.getBean(ChicoryCacheEndpoint.class).report().remote();
			assertThat(remote).isNotNull();
			assertThat(remote.endpoint()).isEqualTo("redis://127.0.0.1:" + server.port() + "/0");
			assertThat(remote.publishing()).isTrue();
			assertThat(remote.breaker()).isEqualTo("closed");
			assertThat(remote.misses()).isOne();
			assertThat(remote.puts()).isOne();
			assertThat(remote.rejected()).isZero();
			assertThat(remote.faults()).isZero();
			assertThat(remote.lastFault()).isNull();
		});
		runner("b", server.port()).run((context) -> {
			assertThat(compile(context)).isEqualTo(CompilationSource.REMOTE);
			ChicoryCacheEndpoint endpoint = context.getBean(ChicoryCacheEndpoint.class);
			CacheDescriptor report = endpoint.report();
			assertThat(report.compiler().compilations().get("remote").count()).isOne();
			assertThat(report.remote().hits()).isOne();
			endpoint.action("reset-stats");
			assertThat(endpoint.report().remote().hits()).as("after reset-stats").isZero();
			assertThat(context.getBean(RedisCacheTier.class).stats().hits()).as("the tier's own counters").isOne();
		});
	}

	@Test
	void theHealthContributorIsUpAndDegradedWhileRedisIsSkipped() {
		runner("a", server.port()).run((context) -> {
			HealthIndicator indicator = context.getBean("chicoryCacheRemoteHealthIndicator", HealthIndicator.class);
			Health health = indicator.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("degraded", false)
				.containsEntry("breaker", "closed")
				.containsEntry("endpoint", "redis://127.0.0.1:" + server.port() + "/0");
		});
		try (RedisServerProcess gone = RedisServerProcess.start(this.temp.resolve("gone"))) {
			gone.kill();
			runner("b", gone.port())
				.withPropertyValues("chicory.cache.redis.breaker.failure-threshold=1",
						"chicory.cache.redis.breaker.open-duration=1h")
				.run((context) -> {
					assertThat(compile(context)).isEqualTo(CompilationSource.COMPILER);
					RedisCacheTier tier = context.getBean(RedisCacheTier.class);
					Await.await("the breaker open", 30_000, () -> tier.stats().breakerOpenings() > 0);
					Health health = context.getBean("chicoryCacheRemoteHealthIndicator", HealthIndicator.class)
						.health(true);
					assertThat(health.getStatus()).as("never DOWN").isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("degraded", true)
						.containsEntry("breaker", "open")
						.containsKeys("problem", "lastFault");
					assertThat(context.getBean(ChicoryCacheEndpoint.class).report().remote().breaker())
						.isEqualTo("open");
				});
		}
	}

	@Test
	void metersCountTheRemoteTier() {
		runner("a", server.port()).run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean("chicoryCacheRemoteMeterBinder", MeterBinder.class).bindTo(registry);
			compile(context);
			Await.await("the publish", 30_000, () -> context.getBean(RedisCacheTier.class).stats().puts() == 1);
			assertThat(registry.get("cache.gets")
				.tag("cache", "chicory.remote")
				.tag("result", "miss")
				.functionCounter()
				.count()).isOne();
			assertThat(registry.get("cache.gets")
				.tag("cache", "chicory.remote")
				.tag("result", "hit")
				.functionCounter()
				.count()).isZero();
			assertThat(registry.get("cache.puts").tag("cache", "chicory.remote").functionCounter().count()).isOne();
			assertThat(registry.get("chicory.cache.remote.rejected").functionCounter().count()).isZero();
			assertThat(registry.get("chicory.cache.remote.faults").functionCounter().count()).isZero();
			assertThat(registry.get("chicory.cache.remote.publishes.dropped").functionCounter().count()).isZero();
			assertThat(registry.get("chicory.cache.remote.fleet.waits").functionCounter().count()).isZero();
			assertThat(registry.get("chicory.cache.remote.breaker.open").gauge().value()).isZero();
		});
	}

	@Test
	void withoutTheTierTheReportHasNoRemoteObject() {
		this.contextRunner
			.withPropertyValues("chicory.cache.directory=" + this.temp.resolve("a"),
					"chicory.cache.redis.enabled=false")
			.run((context) -> {
				assertThat(context.getBean(ChicoryCacheEndpoint.class).report().remote()).isNull();
				assertThat(context).doesNotHaveBean("chicoryCacheRemoteHealthIndicator")
					.doesNotHaveBean("chicoryCacheRemoteMeterBinder");
			});
	}

	private static CompilationSource compile(AssertableApplicationContext context) {
		WasmModule module = Parser.parse(WasmModuleWriter.functions(3, 77));
		Compilation compilation = context.getBean(ChicoryCompiler.class).compile(module);
		Instance instance = Instance.builder(module).withMachineFactory(compilation.machineFactory()).build();
		assertThat(instance.export(WasmModuleWriter.exportName(0)).apply(5)[0]).isEqualTo(5 + 77);
		return compilation.event().source();
	}

}
