package io.github.chicorycache.autoconfigure.endpoint;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.exchange;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web integration tests for {@link ChicoryCacheEndpoint} when it is not exposed.
 */
@SpringBootTest(classes = EndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health", "spring.jmx.enabled=false" })
@AutoConfigureTestRestTemplate
@DirtiesContext
class ChicoryCacheEndpointNotExposedWebIntegrationTests {

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
	ApplicationContext context;

	@Test
	void endpointIsNotFound() {
		assertThat(this.context.getBeansOfType(ChicoryCacheEndpoint.class)).isEmpty();
		for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.DELETE }) {
			assertThat(exchange(this.rest, this.port, method, "/actuator/chicorycache", null).getStatusCode())
				.isEqualTo(HttpStatus.NOT_FOUND);
		}
		assertThat(exchange(this.rest, this.port, HttpMethod.POST, "/actuator/chicorycache", "{\"action\":\"cleanup\"}")
			.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(
				exchange(this.rest, this.port, HttpMethod.GET, "/actuator/chicorycache/entries", null).getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(exchange(this.rest, this.port, HttpMethod.GET, "/actuator/health", null).getStatusCode())
			.isEqualTo(HttpStatus.OK);
	}

}
