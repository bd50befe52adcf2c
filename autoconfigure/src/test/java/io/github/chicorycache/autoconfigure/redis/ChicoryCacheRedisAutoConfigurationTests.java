package io.github.chicorycache.autoconfigure.redis;

import java.nio.file.Path;
import java.security.KeyPair;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.ChicoryCacheAutoConfiguration;
import io.github.chicorycache.redis.Ed25519Keys;
import io.github.chicorycache.redis.RedisCacheTier;
import io.github.chicorycache.redis.TieredCache;
import io.github.chicorycache.testsupport.Await;
import io.github.chicorycache.testsupport.RedisServerProcess;
import io.github.chicorycache.testsupport.WasmModuleWriter;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryCacheRedisAutoConfiguration}, against a real Redis on a free
 * loopback port reached through Spring Boot's {@code spring.data.redis.*} properties.
 */
class ChicoryCacheRedisAutoConfigurationTests {

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
				ChicoryCacheRedisAutoConfiguration.class));

	private ApplicationContextRunner runner(String instance) {
		return this.contextRunner.withPropertyValues("chicory.cache.directory=" + this.temp.resolve(instance),
				"spring.data.redis.host=" + server.host(), "spring.data.redis.port=" + server.port());
	}

	@Test
	void offUnlessEnabled() {
		runner("a").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(RedisCacheTier.class).doesNotHaveBean(TieredCache.class);
			assertThat(context.getBean(ChicoryCompiler.class).cache()).isInstanceOf(DirectoryCache.class);
		});
	}

	@Test
	void enabledWithASecretTheCompilerUsesTheTieredCache() {
		runner("a").withPropertyValues("chicory.cache.redis.enabled=true", "chicory.cache.redis.secret=" + SECRET)
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisCacheTier.class).hasSingleBean(TieredCache.class);
				TieredCache cache = context.getBean(TieredCache.class);
				assertThat(context.getBean(ChicoryCompiler.class).cache()).isSameAs(cache);
				assertThat(cache.local()).isSameAs(context.getBean(DirectoryCache.class));
				RedisCacheTier tier = context.getBean(RedisCacheTier.class);
				assertThat(tier.isPublishing()).isTrue();
				assertThat(tier.endpoint()).isEqualTo("redis://127.0.0.1:" + server.port() + "/0");
			});
	}

	@Test
	void instancesShareCompiledModulesThroughRedis() {
		String[] enabled = { "chicory.cache.redis.enabled=true", "chicory.cache.redis.secret=" + SECRET,
				"chicory.cache.redis.key-prefix=app-1:" };
		runner("a").withPropertyValues(enabled).run((context) -> {
			assertThat(compile(context)).isEqualTo(CompilationSource.COMPILER);
			RedisCacheTier tier = context.getBean(RedisCacheTier.class);
			Await.await("the publish", 30_000, () -> tier.stats().puts() == 1);
			Await.await("the lease released", 30_000, tier::isPublishQueueEmpty);
			assertThat(server.keys("app-1:*")).hasSize(1);
		});
		runner("b").withPropertyValues(enabled).run((context) -> {
			assertThat(compile(context)).isEqualTo(CompilationSource.REMOTE);
			assertThat(context.getBean(RedisCacheTier.class).stats().faults()).isZero();
		});
	}

	@Test
	void withAPublicKeyOnlyTheInstanceOnlyVerifies() {
		KeyPair pair = Ed25519Keys.generate();
		runner("a")
			.withPropertyValues("chicory.cache.redis.enabled=true",
					"chicory.cache.redis.public-key=" + Ed25519Keys.pem(pair.getPublic()))
			.run((context) -> assertThat(context.getBean(RedisCacheTier.class).isPublishing()).isFalse());
		runner("b")
			.withPropertyValues("chicory.cache.redis.enabled=true",
					"chicory.cache.redis.public-key=" + Ed25519Keys.pem(pair.getPublic()),
					"chicory.cache.redis.private-key=" + Ed25519Keys.pem(pair.getPrivate()))
			.run((context) -> assertThat(context.getBean(RedisCacheTier.class).isPublishing()).isTrue());
	}

	@Test
	void enabledWithoutASecretFailsWithOneClearMessage() {
		runner("a").withPropertyValues("chicory.cache.redis.enabled=true")
			.run((context) -> assertThat(failure(context).getDescription())
				.contains("chicory.cache.redis.secret is not set"));
	}

	@Test
	void aShortSecretFailsWithoutShowingIt() {
		runner("a").withPropertyValues("chicory.cache.redis.enabled=true", "chicory.cache.redis.secret=too-short-1234")
			.run((context) -> {
				FailureAnalysis analysis = failure(context);
				assertThat(analysis.getDescription()).contains("14 bytes long, shorter than the 32 bytes")
					.doesNotContain("too-short-1234");
				assertThat(analysis.getAction()).contains("openssl rand -base64 48");
			});
		runner("a")
			.withPropertyValues("chicory.cache.redis.enabled=true", "chicory.cache.redis.secret=" + SECRET,
					"chicory.cache.redis.previous-secrets[0]=old-and-short")
			.run((context) -> assertThat(failure(context).getDescription())
				.contains("chicory.cache.redis.previous-secrets[0] is 13 bytes long")
				.doesNotContain("old-and-short"));
	}

	@Test
	void conflictingOrMalformedKeysFailWithoutShowingThem() {
		KeyPair pair = Ed25519Keys.generate();
		String privatePem = Ed25519Keys.pem(pair.getPrivate());
		runner("a")
			.withPropertyValues("chicory.cache.redis.enabled=true", "chicory.cache.redis.secret=" + SECRET,
					"chicory.cache.redis.public-key=" + Ed25519Keys.pem(pair.getPublic()),
					"chicory.cache.redis.private-key=" + privatePem)
			.run((context) -> assertThat(failure(context).getDescription())
				.contains("both chicory.cache.redis.secret and chicory.cache.redis.private-key"));
		runner("a")
			.withPropertyValues("chicory.cache.redis.enabled=true", "chicory.cache.redis.private-key=" + privatePem)
			.run((context) -> assertThat(failure(context).getDescription()).contains("secret is not set"));
		runner("a")
			.withPropertyValues("chicory.cache.redis.enabled=true",
					"chicory.cache.redis.public-key=" + Ed25519Keys.pem(Ed25519Keys.generate().getPublic()),
					"chicory.cache.redis.private-key=" + privatePem)
			.run((context) -> assertThat(failure(context).getDescription())
				.contains("is not the private key of chicory.cache.redis.public-key")
				.doesNotContain(privatePem.substring(30, 60)));
		runner("a").withPropertyValues("chicory.cache.redis.enabled=true", "chicory.cache.redis.public-key=nonsense")
			.run((context) -> assertThat(failure(context).getDescription())
				.contains("chicory.cache.redis.public-key is not an Ed25519 public key"));
	}

	@Test
	void propertiesOverrideTheConnectionsDatabaseAndUser() {
		server.command("ACL", "SETUSER", "tier-user", "on", ">tier-password-1", "~*", "+@all");
		String[] properties = { "chicory.cache.redis.enabled=true", "chicory.cache.redis.secret=" + SECRET,
				"spring.data.redis.database=2", "chicory.cache.redis.database=5", "spring.data.redis.username=app",
				"spring.data.redis.password=not-the-tiers-password", "chicory.cache.redis.username=tier-user",
				"chicory.cache.redis.password=tier-password-1" };
		runner("a").withPropertyValues(properties).run((context) -> {
			RedisCacheTier tier = context.getBean(RedisCacheTier.class);
			assertThat(tier.endpoint()).endsWith("/5").doesNotContain("tier-user");
			assertThat(compile(context)).isEqualTo(CompilationSource.COMPILER);
			Await.await("the publish as tier-user", 30_000, () -> tier.stats().puts() == 1);
			// the lease is released just after the publish is counted
			Await.await("the entry alone in database 5", 30_000,
					() -> new String((byte[]) server.command("INFO", "keyspace")).contains("db5:keys=1"));
		});
	}

	@Test
	void anApplicationWithoutLettuceOrSpringDataRedisIsUnaffected() {
		runner("a").withPropertyValues("chicory.cache.redis.enabled=true")
			.withClassLoader(new FilteredClassLoader(RedisClient.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisCacheTier.class));
		runner("a").withPropertyValues("chicory.cache.redis.enabled=true")
			.withClassLoader(new FilteredClassLoader(DataRedisConnectionDetails.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisCacheTier.class));
	}

	@Test
	void offWhenTheLocalCacheIsOff() {
		runner("a")
			.withPropertyValues("chicory.cache.enabled=false", "chicory.cache.redis.enabled=true",
					"chicory.cache.redis.secret=" + SECRET)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisCacheTier.class)
				.doesNotHaveBean(TieredCache.class));
	}

	@Test
	void backsOffFromATierOfTheApplication() {
		runner("a").withPropertyValues("chicory.cache.redis.enabled=true")
			.withUserConfiguration(OwnTierConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisCacheTier.class);
				assertThat(context.getBean(TieredCache.class).remote())
					.isSameAs(context.getBean("ownTier", RedisCacheTier.class));
			});
	}

	private static CompilationSource compile(AssertableApplicationContext context) {
		WasmModule module = Parser.parse(WasmModuleWriter.functions(3, 42));
		Compilation compilation = context.getBean(ChicoryCompiler.class).compile(module);
		Instance instance = Instance.builder(module).withMachineFactory(compilation.machineFactory()).build();
		assertThat(instance.export(WasmModuleWriter.exportName(1)).apply(1)[0]).isEqualTo(1 + 1 + 42);
		return compilation.event().source();
	}

	private static FailureAnalysis failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		FailureAnalysis analysis = new InvalidRedisTierPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of " + failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTierConfiguration {

		@Bean(destroyMethod = "close")
		RedisCacheTier ownTier() {
			return RedisCacheTier.builder(server.host(), server.port()).withSecret(SECRET.getBytes()).build();
		}

	}

}
