package io.github.chicorycache.autoconfigure.endpoint;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.CacheFault;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.CacheDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.EntriesDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.EntryDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.MessageDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemoteDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemovalDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpointWebExtension.ErrorDescriptor;
import io.github.chicorycache.redis.BreakerState;
import io.github.chicorycache.testsupport.MapCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ChicoryCacheEndpoint} and {@link ChicoryCacheEndpointWebExtension}
 * called directly, for the cases that the HTTP tests do not reach.
 */
class ChicoryCacheEndpointTests {

	@TempDir
	Path temp;

	@Test
	void withoutDirectoryCacheTheReportDescribesTheCompilerOnly() {
		MapCache userCache = new MapCache();
		ChicoryCompiler compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(userCache).build();
		compiler.compile(module(1));
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, null);
		CacheDescriptor report = endpoint.report();
		assertThat(report.directory()).isNull();
		assertThat(report.enabled()).isTrue();
		assertThat(report.limits()).isNull();
		assertThat(report.stats()).isNull();
		assertThat(report.namespace()).isEqualTo(compiler.namespace());
		assertThat(report.compiler().compilations()).containsOnlyKeys("memory", "disk", "remote", "compiler");
		assertThat(report.compiler().compilations().get("compiler").count()).isOne();
	}

	@Test
	void withoutAnyCacheTheReportSaysDisabled() {
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(
				ChicoryCompiler.builder().withStoreQueueCapacity(0).build(), null);
		assertThat(endpoint.report().enabled()).isFalse();
		assertThat(endpoint.report().compiler().timeSavedMillis()).isNull();
	}

	@Test
	void withoutDirectoryCacheThereAreNoEntriesAndNothingToCleanUp() {
		ChicoryCompiler compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).build();
		WasmModule module = module(1);
		compiler.compile(module);
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, null);
		String key = CacheKey.parse(module.digest()).fileSafe();
		assertThat(endpoint.entry(new String[] { "entries" }, 10, null))
			.isEqualTo(new EntriesDescriptor(0, java.util.List.of()));
		assertThat(endpoint.entry(new String[] { key }, null, null)).isNull();
		assertThat(endpoint.action("cleanup")).isNull();
		assertThat(endpoint.action("reset-stats")).isEqualTo(new MessageDescriptor("Statistics reset"));
		// nothing stored, but the module's code in memory is forgotten
		assertThat(endpoint.evict(new String[] { key }, null)).isNull();
		assertThat(compiler.compile(module).event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(endpoint.clear()).isEqualTo(new RemovalDescriptor(0, null));
		assertThat(compiler.stats().memoryEntries()).isZero();
		assertThat(endpoint.whyNoDirectoryCache()).contains("chicory.cache.enabled=false");
	}

	@Test
	void withoutDirectoryCacheTheWebExtensionAnswersWithDocumentedStatuses() {
		ChicoryCompiler compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).build();
		ChicoryCacheEndpointWebExtension web = new ChicoryCacheEndpointWebExtension(
				new ChicoryCacheEndpoint(compiler, null));
		String key = CacheKey.parse(module(1).digest()).fileSafe();
		assertThat(web.entry(new String[] { "entries" }, null, null).getStatus()).isEqualTo(200);
		assertError(web.entry(new String[] { key }, null, null), 404, "No entry for " + key + " in namespace "
				+ compiler.namespace() + ": compiled modules are not stored (chicory.cache.enabled=false)");
		assertError(web.evict(new String[] { key }, null), 404, "No entry for " + key);
		assertThat(web.clear().getStatus()).isEqualTo(200);
		assertError(web.action("cleanup"), 409,
				"No directory cache to clean up: compiled modules are not stored (chicory.cache.enabled=false)");
		assertThat(web.action("reset-stats").getStatus()).isEqualTo(200);
	}

	@Test
	void userCacheIsExplained() {
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(
				ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(new MapCache()).build(), null);
		assertThat(endpoint.whyNoDirectoryCache()).isEqualTo("the application's own Cache is not a directory cache");
	}

	@Test
	void entriesAreBoundedByDefault() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			ChicoryCompiler compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build();
			for (int seed = 1; seed <= 3; seed++) {
				compiler.compile(module(seed));
			}
			ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, cache);
			EntriesDescriptor entries = endpoint.entries(null);
			assertThat(entries.total()).isEqualTo(3);
			assertThat(entries.entries()).hasSize(3);
			assertThat(endpoint.entries(2).entries()).hasSize(2);
			assertThat(ChicoryCacheEndpoint.DEFAULT_LIMIT).isEqualTo(100);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.entries(ChicoryCacheEndpoint.MAX_LIMIT + 1))
				.withMessage("limit must be between 1 and 10000, was 10001");
			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.entries(0));
		}
	}

	@Test
	void keySplitIntoSegmentsIsJoinedAndValidated() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			ChicoryCompiler compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build();
			WasmModule module = EndpointTestSupport.moduleWhoseDigest(1, (digest) -> digest.contains("/"));
			compiler.compile(module);
			ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, cache);
			assertThat(endpoint.entry(module.digest().split("/"), null, null)).isInstanceOf(EntryDescriptor.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.entry(new String[] { "sha-256:..", "..", "etc" }, null, null));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.evict(new String[] { "..", "..", "etc" }, null))
				.withMessageContaining("must have the form");
			assertThat(endpoint.evict(module.digest().split("/"), null)).isNotNull();
			assertThat(endpoint.evict(module.digest().split("/"), null)).isNull();
		}
	}

	@Test
	void evictionByFileSafeKeyForgetsTheModuleInMemoryToo() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			ChicoryCompiler compiler = ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build();
			WasmModule module = EndpointTestSupport.moduleWhoseDigest(1,
					(digest) -> digest.contains("/") && digest.contains("+"));
			compiler.compile(module);
			long size = cache.entries().get(0).sizeBytes();
			ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, cache);
			String fileSafe = CacheKey.parse(module.digest()).fileSafe();
			assertThat(endpoint.evict(new String[] { fileSafe }, null)).isEqualTo(new RemovalDescriptor(1, size));
			assertThat(compiler.compile(module).event().source()).isEqualTo(CompilationSource.COMPILER);
		}
	}

	@Test
	void evictionInAnotherNamespaceUsesTheDirectoryCache() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			WasmModule module = module(5);
			cache.namespace("other").putIfAbsent(module.digest(), new byte[] { 1, 2, 3 });
			ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(
					ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build(), cache);
			assertThat(endpoint.findEntry(module.digest(), "other")).isNotNull();
			assertThat(endpoint.evict(new String[] { module.digest() }, "other")).isNotNull();
			assertThat(endpoint.findEntry(module.digest(), "other")).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.findEntry(module.digest(), "../x"));
		}
	}

	@Test
	void unknownActionIsInvalid() {
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(
				ChicoryCompiler.builder().withStoreQueueCapacity(0).build(), null);
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.action("explode"))
			.withMessage("Unknown action 'explode'; use 'cleanup' or 'reset-stats'");
		ChicoryCacheEndpointWebExtension web = new ChicoryCacheEndpointWebExtension(endpoint);
		assertError(web.action("explode"), 400, "Unknown action 'explode'");
		assertError(web.action(null), 400, "Missing action");
	}

	@Test
	void readOnlyCacheRefusesChanges() {
		Path directory = this.temp.resolve("cache");
		try (DirectoryCache writable = DirectoryCache.builder(directory).build()) {
			ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(writable).build().compile(module(1));
		}
		try (DirectoryCache cache = DirectoryCache.builder(directory).withReadOnly(true).build()) {
			ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(
					ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build(), cache);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(endpoint::clear)
				.withMessageContaining("read-only");
			ChicoryCacheEndpointWebExtension web = new ChicoryCacheEndpointWebExtension(endpoint);
			assertError(web.clear(), 409, "read-only");
			assertError(web.evict(new String[] { module(1).digest() }, null), 409, "read-only");
		}
	}

	@Test
	void badLimitIsABadRequestWithTheCommonErrorBody() {
		ChicoryCacheEndpointWebExtension web = new ChicoryCacheEndpointWebExtension(
				new ChicoryCacheEndpoint(ChicoryCompiler.builder().withStoreQueueCapacity(0).build(), null));
		assertError(web.entry(new String[] { "entries" }, "abc", null), 400,
				"limit must be a number between 1 and 10000, was 'abc'");
		assertError(web.entry(new String[] { "entries" }, "0", null), 400, "limit must be between 1 and 10000");
		assertError(web.entry(new String[] { "bad" }, null, null), 400, "must have the form");
	}

	@Test
	void resetStatsHidesTheRemoteTiersFaultsBeforeTheReset() {
		AtomicReference<RemoteDescriptor> described = new AtomicReference<>(remote(3, 1,
				new CacheFault(CacheFault.Kind.READ, "GET timed out", Instant.parse("2026-11-27T15:00:00Z"))));
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(
				ChicoryCompiler.builder().withStoreQueueCapacity(0).build(), null, described::get);
		assertThat(endpoint.report().remote().lastFault()).isNotNull();
		endpoint.action("reset-stats");
		RemoteDescriptor afterReset = endpoint.report().remote();
		assertThat(afterReset.hits()).isZero();
		assertThat(afterReset.faults()).isZero();
		assertThat(afterReset.lastFault()).isNull();
		described.set(remote(4, 2,
				new CacheFault(CacheFault.Kind.WRITE, "SET NX failed", Instant.parse("2026-11-27T15:05:00Z"))));
		RemoteDescriptor later = endpoint.report().remote();
		assertThat(later.hits()).isOne();
		assertThat(later.faults()).isOne();
		assertThat(later.lastFault()).isNotNull();
		assertThat(later.lastFault().message()).isEqualTo("SET NX failed");
	}

	private static RemoteDescriptor remote(long hits, long faults, CacheFault lastFault) {
		return RemoteDescriptor.of("redis://127.0.0.1:1", true, BreakerState.CLOSED, hits, 0, 0, 0, 0, 0, faults,
				lastFault);
	}

	private static void assertError(WebEndpointResponse<OperationResponseBody> response, int status, String message) {
		assertThat(response.getStatus()).isEqualTo(status);
		assertThat(response.getBody()).isInstanceOfSatisfying(ErrorDescriptor.class, (error) -> {
			assertThat(error.status()).isEqualTo(status);
			String reason = switch (status) {
				case 400 -> "Bad Request";
				case 404 -> "Not Found";
				default -> "Conflict";
			};
			assertThat(error.error()).isEqualTo(reason);
			assertThat(error.message()).contains(message);
		});
	}

}
