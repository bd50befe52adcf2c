package io.github.chicorycache.autoconfigure.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CacheEntry;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.CapturedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryCacheHealthIndicator}.
 */
@ExtendWith(CapturedLog.Extension.class)
class ChicoryCacheHealthIndicatorTests {

	@TempDir
	Path temp;

	@Test
	void healthyCache() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build().compile(module(1));
			Health health = new ChicoryCacheHealthIndicator(cache).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			Map<String, Object> details = health.getDetails();
			assertThat(details).containsEntry("directory", cache.root().toString())
				.containsEntry("readOnly", false)
				.containsEntry("writable", true)
				.containsEntry("entries", 1L)
				.containsEntry("sizeBytes", cache.stats().totalBytes())
				.containsEntry("maxSizeBytes", 1024L * 1024 * 1024)
				.containsEntry("corruptEntries", 0L)
				.containsEntry("putFailures", 0L)
				.containsEntry("faults", 0L)
				.containsEntry("degraded", false)
				.doesNotContainKeys("problem", "lastFault");
			assertThat((Long) details.get("freeDiskSpaceBytes")).isPositive();
		}
	}

	@Test
	void readOnlyCacheIsNotDegraded() {
		Path directory = this.temp.resolve("prebuilt");
		try (DirectoryCache cache = DirectoryCache.builder(directory).build()) {
			ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build().compile(module(1));
		}
		try (DirectoryCache cache = DirectoryCache.builder(directory).withReadOnly(true).build()) {
			Health health = new ChicoryCacheHealthIndicator(cache).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("readOnly", true)
				.containsEntry("writable", false)
				.containsEntry("degraded", false)
				.doesNotContainKey("problem");
		}
	}

	@Test
	void readOnlyCacheWithoutDirectoryIsNotDegraded() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("missing")).withReadOnly(true).build()) {
			Health health = new ChicoryCacheHealthIndicator(cache).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("degraded", false).containsEntry("entries", 0L);
			assertThat((Long) health.getDetails().get("freeDiskSpaceBytes")).isPositive();
		}
	}

	@Test
	void unwritableCacheStaysUpButDegradedAndWarnsOnce(CapturedLog output) throws IOException {
		// running as root, permissions would not stop writes: a regular file where the
		// parent directory should be does
		Path parent = Files.writeString(this.temp.resolve("parent"), "a file, not a directory");
		try (DirectoryCache cache = DirectoryCache.builder(parent.resolve("cache")).build()) {
			ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build().compile(module(1));
			ChicoryCacheHealthIndicator indicator = new ChicoryCacheHealthIndicator(cache);
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("writable", false)
				.containsEntry("readOnly", false)
				.containsEntry("degraded", true)
				.containsEntry("problem",
						"directory " + cache.root() + " is not writable; compiled modules are not stored");
			assertThat((String) health.getDetails().get("lastFault")).startsWith("write at ");
			assertThat((Long) health.getDetails().get("faults")).isPositive();
			assertThat((Long) health.getDetails().get("putFailures")).isOne();
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			assertThat(output.toString().split("Chicory cache is degraded", -1)).hasSize(2);
		}
	}

	@Test
	void recentFaultDegradesUntilItIsOld(CapturedLog output) throws IOException {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			ChicoryCompiler compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build();
			WasmModule module = module(1);
			compiler.compile(module);
			CacheEntry entry = cache.entries().get(0);
			Files.writeString(cache.root().resolve(entry.path()), "damaged");
			assertThat(cache.namespace(compiler.namespace()).get(module.digest())).isNull();
			Instant now = Instant.now();
			Health recent = new ChicoryCacheHealthIndicator(cache, Clock.fixed(now, ZoneOffset.UTC)).health();
			assertThat(recent.getStatus()).isEqualTo(Status.UP);
			assertThat(recent.getDetails()).containsEntry("degraded", true).containsEntry("corruptEntries", 1L);
			assertThat((String) recent.getDetails().get("problem")).startsWith("recent corrupt failure: ");
			Clock later = Clock.fixed(now.plus(ChicoryCacheHealthIndicator.RECENT).plus(Duration.ofMinutes(1)),
					ZoneOffset.UTC);
			Health old = new ChicoryCacheHealthIndicator(cache, later).health();
			assertThat(old.getDetails()).containsEntry("degraded", false)
				.doesNotContainKey("problem")
				.containsKey("lastFault");
		}
		assertThat(output).contains("Chicory cache is degraded (the application still works, compiling modules "
				+ "instead): recent corrupt failure");
	}

}
