package io.github.chicorycache.autoconfigure.endpoint;

import java.nio.file.Path;

import com.dylibso.chicory.wasm.WasmModule;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.exchange;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.module;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web integration tests for {@link ChicoryCacheEndpoint} with
 * {@code management.endpoint.chicorycache.access=read-only}: the write and delete
 * operations are not mapped.
 */
@SpringBootTest(classes = EndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=chicorycache",
				"management.endpoint.chicorycache.access=read-only", "spring.jmx.enabled=false" })
@AutoConfigureTestRestTemplate
@DirtiesContext
class ChicoryCacheEndpointAccessWebIntegrationTests {

	private static final String ENDPOINT = "/actuator/chicorycache";

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

	@Autowired
	DirectoryCache cache;

	@Test
	void readOperationsRemainAndWriteOperationsAreNotAllowed() {
		WasmModule module = module(1);
		EndpointTestSupport.compileAndStore(this.compiler, this.cache, module);
		String key = CacheKey.parse(module.digest()).fileSafe();
		assertThat(exchange(this.rest, this.port, HttpMethod.GET, ENDPOINT, null).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		assertThat(exchange(this.rest, this.port, HttpMethod.GET, ENDPOINT + "/" + key, null).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		assertThat(exchange(this.rest, this.port, HttpMethod.GET, ENDPOINT + "/entries?limit=1", null).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		assertThat(exchange(this.rest, this.port, HttpMethod.DELETE, ENDPOINT, null).getStatusCode())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(exchange(this.rest, this.port, HttpMethod.DELETE, ENDPOINT + "/" + key, null).getStatusCode())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(
				exchange(this.rest, this.port, HttpMethod.POST, ENDPOINT, "{\"action\":\"cleanup\"}").getStatusCode())
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(exchange(this.rest, this.port, HttpMethod.POST, ENDPOINT, "{\"action\":\"reset-stats\"}")
			.getStatusCode()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		assertThat(this.cache.entries()).hasSize(1);
		assertThat(this.cache.stats().puts()).isOne();
	}

}
