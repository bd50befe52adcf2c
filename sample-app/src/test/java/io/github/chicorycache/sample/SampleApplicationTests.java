package io.github.chicorycache.sample;

import java.nio.file.Path;

import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.CompilationSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the sample's HTTP API.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.main.banner-mode=off")
@AutoConfigureTestRestTemplate
class SampleApplicationTests {

	@TempDir
	static Path cacheDirectory;

	@DynamicPropertySource
	static void cacheDirectory(DynamicPropertyRegistry registry) {
		registry.add("chicory.cache.directory", () -> cacheDirectory.resolve("cache").toString());
	}

	@Autowired
	private TestRestTemplate rest;

	@Autowired
	private Wat2Wasm wat2wasm;

	@Autowired
	private ChicoryCompiler compiler;

	@Test
	void convertsWatToWasm() {
		ResponseEntity<byte[]> response = this.rest.postForEntity("/wat2wasm",
				text("(module (func (export \"answer\") (result i32) i32.const 42))"), byte[].class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getHeaders().getContentType()).hasToString("application/wasm");
		assertThat(response.getBody()).startsWith(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
	}

	@Test
	void reportsInvalidWatAsBadRequest() {
		ResponseEntity<String> response = this.rest.postForEntity("/wat2wasm", text("(module (func i32.bogus))"),
				String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody()).contains("i32.bogus").doesNotContain("\u001B[");
	}

	@Test
	void countsVowelsWithItsOwnModule() {
		ResponseEntity<String> response = this.rest.getForEntity("/vowels?text={text}", String.class, "Hello, World!");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).contains("\"vowels\":3");
	}

	@Test
	void compiledWat2wasmAtStartup() {
		assertThat(this.wat2wasm.module().event().source()).isEqualTo(CompilationSource.COMPILER);
		assertThat(this.compiler.stats().compilations(CompilationSource.COMPILER)).isEqualTo(2);
	}

	private static HttpEntity<String> text(String body) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_PLAIN);
		return new HttpEntity<>(body, headers);
	}

}
