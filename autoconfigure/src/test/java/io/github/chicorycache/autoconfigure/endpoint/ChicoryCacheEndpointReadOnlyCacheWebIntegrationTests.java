package io.github.chicorycache.autoconfigure.endpoint;

import java.nio.file.Path;

import com.jayway.jsonpath.DocumentContext;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.DirectoryCache;
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

import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.json;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web integration tests for {@link ChicoryCacheEndpoint} over a read-only cache
 * ({@code chicory.cache.read-only=true}) that another process filled: reads work,
 * deletions are refused with 409.
 */
@SpringBootTest(classes = EndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=chicorycache,health",
				"management.endpoint.health.show-details=always", "chicory.cache.read-only=true",
				"spring.jmx.enabled=false" })
@AutoConfigureTestRestTemplate
@DirtiesContext
class ChicoryCacheEndpointReadOnlyCacheWebIntegrationTests {

	private static final String ENDPOINT = "/actuator/chicorycache";

	@TempDir
	static Path temp;

	@DynamicPropertySource
	static void cacheDirectory(DynamicPropertyRegistry registry) {
		registry.add("chicory.cache.directory", () -> {
			Path directory = temp.resolve("prebuilt");
			try (DirectoryCache cache = DirectoryCache.builder(directory).build()) {
				ChicoryCompiler.builder().withStoreQueueCapacity(0).withCache(cache).build().compile(module(1));
			}
			return directory.toString();
		});
	}

	@LocalServerPort
	int port;

	@Autowired
	TestRestTemplate rest;

	@Autowired
	DirectoryCache cache;

	@Test
	void readsWorkAndDeletionsConflict() {
		String key = CacheKey.parse(module(1).digest()).fileSafe();
		DocumentContext report = json(assertStatus(exchange(HttpMethod.GET, ENDPOINT, null), HttpStatus.OK));
		assertThat(report.read("$.readOnly", Boolean.class)).isTrue();
		assertThat(report.read("$.writable", Boolean.class)).isFalse();
		assertStatus(exchange(HttpMethod.GET, ENDPOINT + "/" + key, null), HttpStatus.OK);
		DocumentContext evict = json(
				assertStatus(exchange(HttpMethod.DELETE, ENDPOINT + "/" + key, null), HttpStatus.CONFLICT));
		assertThat(evict.read("$.message", String.class)).contains("read-only");
		DocumentContext clear = json(assertStatus(exchange(HttpMethod.DELETE, ENDPOINT, null), HttpStatus.CONFLICT));
		assertThat(clear.read("$.message", String.class)).contains("read-only");
		DocumentContext cleanup = json(
				assertStatus(exchange(HttpMethod.POST, ENDPOINT, "{\"action\":\"cleanup\"}"), HttpStatus.OK));
		assertThat(cleanup.read("$.entriesAfter", Long.class)).isOne();
		assertThat(this.cache.entries()).hasSize(1);
		DocumentContext health = json(
				assertStatus(exchange(HttpMethod.GET, "/actuator/health/chicoryCache", null), HttpStatus.OK));
		assertThat(health.read("$.status", String.class)).isEqualTo("UP");
		assertThat(health.read("$.details.readOnly", Boolean.class)).isTrue();
		assertThat(health.read("$.details.degraded", Boolean.class)).isFalse();
	}

	private ResponseEntity<String> exchange(HttpMethod method, String path, String body) {
		return EndpointTestSupport.exchange(this.rest, this.port, method, path, body);
	}

	private static ResponseEntity<String> assertStatus(ResponseEntity<String> response, HttpStatus status) {
		assertThat(response.getStatusCode()).as(response.toString()).isEqualTo(status);
		return response;
	}

}
