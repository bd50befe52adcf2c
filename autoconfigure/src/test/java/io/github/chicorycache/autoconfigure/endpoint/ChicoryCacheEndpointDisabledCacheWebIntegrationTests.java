package io.github.chicorycache.autoconfigure.endpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.dylibso.chicory.wasm.WasmModule;
import com.jayway.jsonpath.DocumentContext;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheEndpointWebIntegrationTests.assertError;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.json;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web integration tests for {@link ChicoryCacheEndpoint} with
 * {@code chicory.cache.enabled=false}: the compiler is described, there are no entries,
 * deletes only forget the modules in memory, and a cleanup has nothing to clean.
 */
@SpringBootTest(classes = EndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=chicorycache,health",
				"management.endpoint.health.show-details=always", "chicory.cache.enabled=false",
				"spring.jmx.enabled=false" })
@AutoConfigureTestRestTemplate
@DirtiesContext
class ChicoryCacheEndpointDisabledCacheWebIntegrationTests {

	private static final String ENDPOINT = "/actuator/chicorycache";

	private static final String NOT_STORED = "compiled modules are not stored (chicory.cache.enabled=false)";

	@TempDir
	static Path temp;

	@DynamicPropertySource
	static void cacheDirectory(DynamicPropertyRegistry registry) {
		registry.add("chicory.cache.directory", () -> temp.resolve("cache").toString());
	}

	@LocalServerPort
	int port;

	@Autowired
	TestRestTemplate rest;

	@Autowired
	ChicoryCompiler compiler;

	@Test
	void reportDescribesTheCompilerAndShowsUnknownValuesAsNull() {
		DocumentContext report = json(assertStatus(exchange(HttpMethod.GET, ENDPOINT, null), HttpStatus.OK));
		assertThat(report.read("$.enabled", Boolean.class)).isFalse();
		assertThat(report.<Map<String, Object>>read("$")).doesNotContainKeys("directory", "stats", "limits");
		assertThat(report.<Map<String, Object>>read("$.compiler")).containsEntry("timeSavedMillis", null);
		assertThat(report.read("$.compiler.compilations.compiler.count", Long.class)).isZero();
	}

	@Test
	void entriesAndDeletesAnswerWithDocumentedStatuses() {
		WasmModule module = module(1);
		this.compiler.compile(module);
		String key = CacheKey.parse(module.digest()).fileSafe();
		DocumentContext entries = json(
				assertStatus(exchange(HttpMethod.GET, ENDPOINT + "/entries", null), HttpStatus.OK));
		assertThat(entries.read("$.total", Integer.class)).isZero();
		assertThat(entries.<List<Object>>read("$.entries")).isEmpty();
		assertError(exchange(HttpMethod.GET, ENDPOINT + "/" + key, null), HttpStatus.NOT_FOUND, NOT_STORED);
		assertError(exchange(HttpMethod.DELETE, ENDPOINT + "/" + key, null), HttpStatus.NOT_FOUND, NOT_STORED);
		assertThat(this.compiler.compile(module).event().source()).isEqualTo(CompilationSource.COMPILER);
		DocumentContext cleared = json(assertStatus(exchange(HttpMethod.DELETE, ENDPOINT, null), HttpStatus.OK));
		assertThat(cleared.<Map<String, Object>>read("$")).containsExactly(Map.entry("removedEntries", 0));
		assertThat(this.compiler.stats().memoryEntries()).isZero();
		assertError(exchange(HttpMethod.POST, ENDPOINT, "{\"action\":\"cleanup\"}"), HttpStatus.CONFLICT,
				"No directory cache to clean up: " + NOT_STORED);
		assertStatus(exchange(HttpMethod.POST, ENDPOINT, "{\"action\":\"reset-stats\"}"), HttpStatus.OK);
		assertThat(temp.resolve("cache")).doesNotExist();
	}

	private ResponseEntity<String> exchange(HttpMethod method, String path, String body) {
		return EndpointTestSupport.exchange(this.rest, this.port, method, path, body);
	}

	private static ResponseEntity<String> assertStatus(ResponseEntity<String> response, HttpStatus status) {
		assertThat(response.getStatusCode()).as(response.toString()).isEqualTo(status);
		return response;
	}

}
