package io.github.chicorycache.actuate;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.wasm.WasmModule;
import io.github.chicorycache.testsupport.MapCache;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
import io.github.chicorycache.actuate.ChicoryCacheEndpoint.CacheReport;
import io.github.chicorycache.actuate.ChicoryCacheEndpoint.EntriesReport;
import io.github.chicorycache.actuate.ChicoryCacheEndpoint.MessageReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static io.github.chicorycache.actuate.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChicoryCacheEndpoint} called directly, for the cases that the HTTP
 * tests do not reach.
 *
 * @author chicory-cache
 */
class ChicoryCacheEndpointTests {

	@TempDir
	Path temp;

	@Test
	void withoutDirectoryCacheTheReportDescribesTheCompilerOnly() {
		MapCache userCache = new MapCache();
		ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(userCache).build();
		compiler.compile(module(1));
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, null);
		CacheReport report = endpoint.report();
		assertThat(report.directory()).isNull();
		assertThat(report.enabled()).isTrue();
		assertThat(report.limits()).isNull();
		assertThat(report.stats()).isNull();
		assertThat(report.namespace()).isEqualTo(compiler.namespace());
		assertThat(report.compiler().compilations().get("compiler").count()).isOne();
		String key = CacheKey.parse(module(1).digest()).fileSafe();
		assertNotFound(endpoint.entry(new String[] { key }, null, null));
		assertNotFound(endpoint.entry(new String[] { "entries" }, 10, null));
		assertNotFound(endpoint.evict(new String[] { key }, null));
		assertNotFound(endpoint.clear());
		assertNotFound(endpoint.action("cleanup"));
	}

	@Test
	void withoutAnyCacheTheReportSaysDisabled() {
		ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(ChicoryCompiler.builder().build(), null);
		assertThat(endpoint.report().enabled()).isFalse();
	}

	@Test
	void entriesAreBoundedByDefault() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build();
			for (int seed = 1; seed <= 3; seed++) {
				compiler.compile(module(seed));
			}
			ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, cache);
			WebEndpointResponse<OperationResponseBody> response = endpoint.entry(new String[] { "entries" }, null,
					null);
			assertThat(response.getStatus()).isEqualTo(200);
			EntriesReport entries = (EntriesReport) response.getBody();
			assertThat(entries.total()).isEqualTo(3);
			assertThat(entries.entries()).hasSize(3);
			assertThat(ChicoryCacheEndpoint.DEFAULT_LIMIT).isEqualTo(100);
			assertThat(endpoint.entry(new String[] { "entries" }, ChicoryCacheEndpoint.MAX_LIMIT + 1, null).getStatus())
				.isEqualTo(400);
		}
	}

	@Test
	void keySplitIntoSegmentsIsJoinedAndValidated() {
		try (DirectoryCache cache = DirectoryCache.builder(this.temp.resolve("cache")).build()) {
			ChicoryCompiler compiler = ChicoryCompiler.builder().withCache(cache).build();
			WasmModule module = EndpointTestSupport.moduleWhoseDigest(1, (digest) -> digest.contains("/"));
			compiler.compile(module);
			ChicoryCacheEndpoint endpoint = new ChicoryCacheEndpoint(compiler, cache);
			assertThat(endpoint.entry(module.digest().split("/"), null, null).getStatus()).isEqualTo(200);
			assertThat(endpoint.entry(new String[] { "sha-256:..", "..", "etc" }, null, null).getStatus())
				.isEqualTo(400);
			assertThat(endpoint.evict(new String[] { "..", "..", "etc" }, null).getStatus()).isEqualTo(400);
			assertThat(endpoint.evict(module.digest().split("/"), null).getStatus()).isEqualTo(200);
		}
	}

	private static void assertNotFound(WebEndpointResponse<OperationResponseBody> response) {
		assertThat(response.getStatus()).isEqualTo(404);
		assertThat(((MessageReport) response.getBody()).message()).isEqualTo("No directory cache is configured");
	}

}
