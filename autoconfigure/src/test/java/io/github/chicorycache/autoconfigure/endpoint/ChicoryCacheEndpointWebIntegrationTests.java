package io.github.chicorycache.autoconfigure.endpoint;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.dylibso.chicory.wasm.WasmModule;
import com.jayway.jsonpath.DocumentContext;
import io.github.chicorycache.CacheEntry;
import io.github.chicorycache.CacheKey;
import io.github.chicorycache.ChicoryCompiler;
import io.github.chicorycache.Compilation;
import io.github.chicorycache.CompilationSource;
import io.github.chicorycache.DirectoryCache;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.json;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.module;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.moduleWhoseDigest;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.snapshot;
import static io.github.chicorycache.autoconfigure.endpoint.EndpointTestSupport.urlEncoded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web integration tests for {@link ChicoryCacheEndpoint}: every operation and status over
 * real HTTP.
 */
@SpringBootTest(classes = EndpointTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=chicorycache,health,metrics",
				"management.endpoint.health.show-details=always", "chicory.cache.max-size=50MB",
				"chicory.cache.max-entries=100", "chicory.cache.max-age=30d", "spring.jmx.enabled=false" })
@AutoConfigureTestRestTemplate
@DirtiesContext
class ChicoryCacheEndpointWebIntegrationTests {

	private static final String ENDPOINT = "/actuator/chicorycache";

	/**
	 * Every timestamp of the endpoint: ISO-8601, UTC, always three fraction digits.
	 */
	static final String MILLIS_TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

	@TempDir
	static Path temp;

	@DynamicPropertySource
	static void cacheDirectory(DynamicPropertyRegistry registry) {
		registry.add("chicory.cache.directory", () -> root().toString());
	}

	@LocalServerPort
	int port;

	@Autowired
	TestRestTemplate rest;

	@Autowired
	ChicoryCompiler compiler;

	@Autowired
	DirectoryCache cache;

	@Autowired
	ChicoryCacheEndpoint endpoint;

	private static Path root() {
		return temp.resolve("parent").resolve("cache");
	}

	@BeforeEach
	void emptyCache() {
		this.cache.clear();
		this.compiler.clearMemory();
		this.endpoint.action("reset-stats");
	}

	@Test
	void reportDescribesCacheLimitsStatisticsAndCompilations() {
		DocumentContext before = json(assertStatus(get(ENDPOINT), HttpStatus.OK));
		long compiledBefore = before.read("$.compiler.compilations.compiler.count", Long.class);
		long diskBefore = before.read("$.compiler.compilations.disk.count", Long.class);
		long memoryBefore = before.read("$.compiler.compilations.memory.count", Long.class);
		WasmModule module = module(1);
		compile(module);
		compile(module);
		this.compiler.clearMemory();
		assertThat(compile(module).event().source()).isEqualTo(CompilationSource.DISK);
		ResponseEntity<String> response = assertStatus(get(ENDPOINT), HttpStatus.OK);
		assertThat(response.getHeaders().getContentType()).isNotNull();
		assertThat(response.getHeaders().getContentType().getSubtype()).endsWith("json");
		DocumentContext report = json(response);
		assertThat(report.read("$.directory", String.class)).isEqualTo(root().toString());
		assertThat(report.read("$.namespace", String.class)).isEqualTo(this.compiler.namespace())
			.startsWith("chicory-" + this.compiler.chicoryVersion() + "-");
		assertThat(report.read("$.chicoryVersion", String.class)).isEqualTo(this.compiler.chicoryVersion());
		assertThat(report.read("$.enabled", Boolean.class)).isTrue();
		assertThat(report.read("$.readOnly", Boolean.class)).isFalse();
		assertThat(report.read("$.writable", Boolean.class)).isTrue();
		assertThat(report.read("$.limits.maxSizeBytes", Long.class)).isEqualTo(50L * 1024 * 1024);
		assertThat(report.read("$.limits.maxEntries", Long.class)).isEqualTo(100);
		assertThat(report.read("$.limits.maxAge", String.class)).isEqualTo("PT720H");
		assertThat(report.read("$.stats.entries", Long.class)).isOne();
		assertThat(report.read("$.stats.sizeBytes", Long.class)).isEqualTo(onlyEntry().sizeBytes());
		assertThat(report.read("$.stats.hits", Long.class)).isOne();
		assertThat(report.read("$.stats.misses", Long.class)).isOne();
		assertThat(report.read("$.stats.hitRatio", Double.class)).isEqualTo(0.5);
		assertThat(report.read("$.stats.puts", Long.class)).isOne();
		assertThat(report.read("$.stats.putFailures", Long.class)).isZero();
		assertThat(report.<Map<String, Object>>read("$.stats.evictions")).containsOnlyKeys("size", "count", "age",
				"corrupt", "manual");
		assertThat(report.read("$.stats.corruptEntries", Long.class)).isZero();
		assertThat(report.read("$.stats.bytesRead", Long.class)).isPositive();
		assertThat(report.read("$.stats.bytesWritten", Long.class)).isEqualTo(onlyEntry().sizeBytes());
		assertThat(report.read("$.compiler.compilations.compiler.count", Long.class)).isEqualTo(compiledBefore + 1);
		assertThat(report.read("$.compiler.compilations.disk.count", Long.class)).isEqualTo(diskBefore + 1);
		assertThat(report.read("$.compiler.compilations.memory.count", Long.class)).isEqualTo(memoryBefore + 1);
		assertThat(report.read("$.compiler.compilations.compiler.timeMillis", Long.class)).isNotNegative();
		assertThat(report.read("$.compiler.timeSavedMillis", Long.class)).isNotNull().isNotNegative();
		assertThat(report.read("$.compiler.memoryEntries", Long.class)).isOne();
		assertThat(report.read("$.compiler.failures", Long.class)).isZero();
		assertThat(report.read("$.compiler.faults", Long.class)).isZero();
	}

	@Test
	void hitRatioIsNullBeforeTheFirstGet() {
		DocumentContext report = json(assertStatus(get(ENDPOINT), HttpStatus.OK));
		assertThat(report.<Map<String, Object>>read("$.stats")).containsEntry("hitRatio", null)
			.containsEntry("hits", 0)
			.containsEntry("misses", 0);
	}

	@Test
	void reportShowsTheLastCleanup() {
		this.cache.cleanup();
		DocumentContext report = json(assertStatus(get(ENDPOINT), HttpStatus.OK));
		assertThat(report.read("$.lastCleanup.startedAt", String.class)).matches(MILLIS_TIMESTAMP);
		assertThat(report.read("$.lastCleanup.entriesAfter", Long.class)).isZero();
	}

	@Test
	void entryByFileSafeKey() {
		WasmModule module = moduleWhoseDigest(1, (digest) -> digest.contains("+") && digest.contains("/"));
		compile(module);
		String fileSafe = CacheKey.parse(module.digest()).fileSafe();
		assertThat(fileSafe).isNotEqualTo(module.digest());
		DocumentContext entry = json(assertStatus(get(ENDPOINT + "/" + fileSafe), HttpStatus.OK));
		assertThat(entry.read("$.key", String.class)).isEqualTo(module.digest());
		assertThat(entry.read("$.id", String.class)).isEqualTo(fileSafe);
		assertThat(entry.read("$.namespace", String.class)).isEqualTo(this.compiler.namespace());
		assertThat(entry.read("$.path", String.class)).startsWith(this.compiler.namespace() + "/sha-256/")
			.endsWith(".jar");
		assertThat(root().resolve(entry.read("$.path", String.class))).isRegularFile();
		assertThat(entry.read("$.sizeBytes", Long.class)).isEqualTo(onlyEntry().sizeBytes()).isPositive();
		assertThat(Instant.parse(entry.read("$.created", String.class))).isBeforeOrEqualTo(Instant.now());
		assertThat(Instant.parse(entry.read("$.lastAccess", String.class))).isBeforeOrEqualTo(Instant.now());
		assertThat(entry.read("$.created", String.class)).matches(MILLIS_TIMESTAMP);
		assertThat(entry.read("$.lastAccess", String.class)).matches(MILLIS_TIMESTAMP);
	}

	@Test
	void entryByUrlEncodedRawKey() {
		WasmModule module = moduleWhoseDigest(1, (digest) -> digest.contains("+") && !digest.contains("/"));
		compile(module);
		assertThat(urlEncoded(module.digest())).contains("%3A").contains("%2B").contains("%3D");
		DocumentContext entry = json(assertStatus(get(ENDPOINT + "/" + urlEncoded(module.digest())), HttpStatus.OK));
		assertThat(entry.read("$.key", String.class)).isEqualTo(module.digest());
		// '+', ':' and '=' need no encoding in a path
		assertStatus(get(ENDPOINT + "/" + module.digest()), HttpStatus.OK);
	}

	@Test
	void entryByRawKeyWhoseSlashIsAPathSeparator() {
		WasmModule module = moduleWhoseDigest(1, (digest) -> digest.contains("/"));
		compile(module);
		String slashKept = urlEncoded(module.digest()).replace("%2F", "/");
		DocumentContext entry = json(assertStatus(get(ENDPOINT + "/" + slashKept), HttpStatus.OK));
		assertThat(entry.read("$.key", String.class)).isEqualTo(module.digest());
		assertStatus(get(ENDPOINT + "/" + module.digest()), HttpStatus.OK);
	}

	@Test
	void encodedSlashIsRefusedByTheServer() {
		// Tomcat refuses %2F in paths by default, before the endpoint: such keys use the
		// file-safe form, or the raw form with '/' as is
		WasmModule module = moduleWhoseDigest(1, (digest) -> digest.contains("/"));
		compile(module);
		assertStatus(get(ENDPOINT + "/" + urlEncoded(module.digest())), HttpStatus.BAD_REQUEST);
	}

	@Test
	void entryThatIsAbsentIsNotFound() {
		WasmModule module = module(1);
		String fileSafe = CacheKey.parse(module.digest()).fileSafe();
		assertError(get(ENDPOINT + "/" + fileSafe), HttpStatus.NOT_FOUND,
				"No entry for " + fileSafe + " in namespace " + this.compiler.namespace());
	}

	@Test
	void entryInAnotherNamespace() {
		WasmModule module = module(1);
		compile(module);
		String fileSafe = CacheKey.parse(module.digest()).fileSafe();
		assertStatus(get(ENDPOINT + "/" + fileSafe + "?namespace=" + this.compiler.namespace()), HttpStatus.OK);
		assertStatus(get(ENDPOINT + "/" + fileSafe + "?namespace=other"), HttpStatus.NOT_FOUND);
	}

	@Test
	void invalidKeyIsABadRequest() {
		assertError(get(ENDPOINT + "/bad"), HttpStatus.BAD_REQUEST, "must have the form");
		assertStatus(get(ENDPOINT + "/sha-256:a"), HttpStatus.BAD_REQUEST);
		assertStatus(get(ENDPOINT + "/SHA-256:abcd"), HttpStatus.BAD_REQUEST);
		assertStatus(get(ENDPOINT + "/..%2F..%2Fetc"), HttpStatus.BAD_REQUEST);
		assertStatus(get(ENDPOINT + "/sha-256:abcd?namespace=.."), HttpStatus.BAD_REQUEST);
	}

	@Test
	void entriesAreListedMostRecentlyUsedFirstUpToTheLimit() throws IOException {
		WasmModule older = module(1);
		WasmModule newer = module(2);
		assertThat(older.digest()).isNotEqualTo(newer.digest());
		compile(older);
		compile(newer);
		lastAccess(older, Instant.now().minus(Duration.ofHours(2)));
		lastAccess(newer, Instant.now().minus(Duration.ofHours(1)));
		DocumentContext one = json(assertStatus(get(ENDPOINT + "/entries?limit=1"), HttpStatus.OK));
		assertThat(one.read("$.total", Integer.class)).isEqualTo(2);
		assertThat(one.<List<String>>read("$.entries[*].key")).containsExactly(newer.digest());
		DocumentContext all = json(assertStatus(get(ENDPOINT + "/entries"), HttpStatus.OK));
		assertThat(all.<List<String>>read("$.entries[*].key")).containsExactly(newer.digest(), older.digest());
		// a hit makes an entry the most recently used
		this.compiler.clearMemory();
		assertThat(compile(older).event().source()).isEqualTo(CompilationSource.DISK);
		DocumentContext afterHit = json(assertStatus(get(ENDPOINT + "/entries?limit=1"), HttpStatus.OK));
		assertThat(afterHit.<List<String>>read("$.entries[*].key")).containsExactly(older.digest());
		assertError(get(ENDPOINT + "/entries?limit=0"), HttpStatus.BAD_REQUEST, "limit must be between 1 and 10000");
		assertError(get(ENDPOINT + "/entries?limit=10001"), HttpStatus.BAD_REQUEST,
				"limit must be between 1 and 10000");
		assertError(get(ENDPOINT + "/entries?limit=many"), HttpStatus.BAD_REQUEST,
				"limit must be a number between 1 and 10000, was 'many'");
	}

	@Test
	void evictRemovesOneEntry() {
		long manualBefore = this.cache.stats().evictions(io.github.chicorycache.EvictionCause.MANUAL);
		WasmModule module = moduleWhoseDigest(1, (digest) -> digest.contains("/"));
		WasmModule other = moduleWhoseDigest(1, (digest) -> !digest.contains("/"));
		compile(module);
		compile(other);
		String fileSafe = CacheKey.parse(module.digest()).fileSafe();
		long size = this.cache.namespace(this.compiler.namespace()).entry(module.digest()).orElseThrow().sizeBytes();
		DocumentContext removed = json(assertStatus(delete(ENDPOINT + "/" + fileSafe), HttpStatus.OK));
		assertThat(removed.read("$.removedEntries", Long.class)).isOne();
		assertThat(removed.read("$.removedBytes", Long.class)).isEqualTo(size);
		assertThat(this.cache.entries()).extracting(CacheEntry::key).containsExactly(other.digest());
		assertThat(this.cache.stats().evictions(io.github.chicorycache.EvictionCause.MANUAL))
			.isEqualTo(manualBefore + 1);
		assertStatus(delete(ENDPOINT + "/" + fileSafe), HttpStatus.NOT_FOUND);
		// the compiler does not serve the evicted module from memory either
		assertThat(compile(module).event().source()).isEqualTo(CompilationSource.COMPILER);
		assertStatus(delete(ENDPOINT + "/" + urlEncoded(other.digest())), HttpStatus.OK);
		assertStatus(delete(ENDPOINT + "/" + module.digest()), HttpStatus.OK);
		assertThat(this.cache.entries()).isEmpty();
		assertStatus(delete(ENDPOINT + "/bad"), HttpStatus.BAD_REQUEST);
		assertStatus(delete(ENDPOINT + "/..%2F..%2Fetc"), HttpStatus.BAD_REQUEST);
	}

	@Test
	void clearRemovesEverythingAndReportsWhat() {
		compile(module(1));
		compile(module(2));
		long bytes = this.cache.entries().stream().mapToLong(CacheEntry::sizeBytes).sum();
		DocumentContext cleared = json(assertStatus(delete(ENDPOINT), HttpStatus.OK));
		assertThat(cleared.read("$.removedEntries", Long.class)).isEqualTo(2);
		assertThat(cleared.read("$.removedBytes", Long.class)).isEqualTo(bytes);
		assertThat(this.cache.entries()).isEmpty();
		assertThat(this.compiler.stats().memoryEntries()).isZero();
		DocumentContext again = json(assertStatus(delete(ENDPOINT), HttpStatus.OK));
		assertThat(again.read("$.removedEntries", Long.class)).isZero();
	}

	@Test
	void postCleanupRunsAPassNow() throws IOException {
		compile(module(1));
		Path orphan = Files.writeString(root().resolve(DirectoryCache.TEMP_DIRECTORY).resolve("pid1-crashed.tmp"),
				"partial");
		Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
		DocumentContext result = json(assertStatus(post("{\"action\":\"cleanup\"}"), HttpStatus.OK));
		assertThat(result.read("$.entriesBefore", Long.class)).isOne();
		assertThat(result.read("$.entriesAfter", Long.class)).isOne();
		assertThat(result.read("$.bytesAfter", Long.class)).isEqualTo(onlyEntry().sizeBytes());
		assertThat(result.read("$.tempFilesDeleted", Long.class)).isOne();
		assertThat(result.read("$.startedAt", String.class)).isNotBlank();
		assertThat(orphan).doesNotExist();
		assertThat(this.cache.stats().lastCleanup()).isNotNull();
	}

	@Test
	void postResetStatsZeroesTheCounters() {
		WasmModule module = module(1);
		long putsBefore = this.cache.stats().puts();
		compile(module);
		assertThat(this.cache.stats().puts()).isEqualTo(putsBefore + 1);
		DocumentContext result = json(assertStatus(post("{\"action\":\"reset-stats\"}"), HttpStatus.OK));
		assertThat(result.read("$.message", String.class)).isEqualTo("Statistics reset");
		DocumentContext report = json(assertStatus(get(ENDPOINT), HttpStatus.OK));
		assertThat(report.read("$.stats.puts", Long.class)).isZero();
		assertThat(report.read("$.stats.misses", Long.class)).isZero();
		// the directory is still described
		assertThat(report.read("$.stats.entries", Long.class)).isOne();
	}

	@Test
	void postUnknownOrMissingActionIsABadRequest() {
		assertError(post("{\"action\":\"explode\"}"), HttpStatus.BAD_REQUEST,
				"Unknown action 'explode'; use 'cleanup' or 'reset-stats'");
		assertError(post("{}"), HttpStatus.BAD_REQUEST, "Missing action");
	}

	@Test
	void hostileInputIsAClientErrorNeverAServerError() {
		String digest = CacheKey.parse(module(1).digest()).fileSafe();
		List<String> paths = List.of("/entries?limit=-1", "/entries?limit=99999999999", "/entries?limit=",
				"/entries?limit=%20", "/entries?limit=1e3", "/entries?limit=1&limit=2", "/" + digest + "?namespace=",
				"/" + digest + "?namespace=%00", "/" + "a".repeat(4000), "/sha-256:" + "0".repeat(4000));
		for (String path : paths) {
			for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
				assertStatus(exchange(method, ENDPOINT + path, null), HttpStatus.BAD_REQUEST);
			}
		}
		assertError(get(ENDPOINT + "/" + digest + "?namespace=unknown"), HttpStatus.NOT_FOUND, "in namespace unknown");
		// the server refuses these before the endpoint sees them, with its own page
		for (String path : List.of("/%00", "/sha-256:%00", "/%C0%AE%C0%AE%2F")) {
			assertThat(get(ENDPOINT + path).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		}
		assertError(post("{\"action\":null}"), HttpStatus.BAD_REQUEST, "Missing action");
		assertError(post("null"), HttpStatus.BAD_REQUEST, "Missing action");
		assertError(post("{\"action\":\"\"}"), HttpStatus.BAD_REQUEST, "Unknown action ''");
		assertError(post("{\"action\":\"" + "x".repeat(100_000) + "\"}"), HttpStatus.BAD_REQUEST, "Unknown action");
		assertError(post("{\"action\":5}"), HttpStatus.BAD_REQUEST, "Unknown action '5'");
		assertError(post("{\"action\":true}"), HttpStatus.BAD_REQUEST, "Unknown action 'true'");
		// Spring MVC reads the body as a map of strings: what does not fit is refused
		// before the endpoint sees it, with Spring's own error body
		for (String body : List.of("{\"action\":{\"a\":1}}", "{\"action\":[]}", "{\"action\":[\"cleanup\"]}", "[]",
				"\"cleanup\"", "{", "not json")) {
			assertStatus(post(body), HttpStatus.BAD_REQUEST);
		}
		for (MediaType type : List.of(MediaType.TEXT_PLAIN, MediaType.APPLICATION_XML,
				MediaType.APPLICATION_FORM_URLENCODED)) {
			RequestEntity<String> request = RequestEntity.post(URI.create("http://localhost:" + this.port + ENDPOINT))
				.contentType(type)
				.body("action=cleanup");
			assertStatus(this.rest.exchange(request, String.class), HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		}
		RequestEntity<Void> empty = RequestEntity.post(URI.create("http://localhost:" + this.port + ENDPOINT))
			.contentType(MediaType.APPLICATION_JSON)
			.build();
		assertError(this.rest.exchange(empty, String.class), HttpStatus.BAD_REQUEST, "Missing action");
	}

	@Test
	void noInputReachesAFileOutsideTheCacheDirectory() throws IOException {
		WasmModule module = module(1);
		compile(module);
		// a sibling of the cache directory that looks like a cache, and a file beside it
		Path sibling = temp.resolve("parent").resolve("sibling");
		CacheKey key = CacheKey.parse(module.digest());
		String name = key.fileSafe().substring("sha-256:".length()).toLowerCase(java.util.Locale.ROOT);
		Path lookalike = Files.createDirectories(sibling.resolve("sha-256").resolve(name.substring(0, 2)))
			.resolve(name.substring(2) + ".jar");
		Files.writeString(lookalike, "not yours");
		Files.writeString(temp.resolve("parent").resolve("secret.jar"), "secret");
		Files.writeString(temp.resolve("outside.txt"), "outside");
		Map<String, String> before = snapshot(temp);
		before.keySet().removeIf((path) -> path.startsWith("parent/cache"));
		String digest = key.fileSafe().substring("sha-256:".length());
		List<String> hostile = List.of("/..%2F..%2Fetc", "/..%2Fsibling", "/%2E%2E%2Fsecret.jar",
				"/sha-256:..%2F..%2Fsibling", "/sha-256%3A..%2F..%2Fsecret", "/..:" + digest, "/sha-256:%2E%2E",
				"/sha-256:" + digest + "?namespace=..", "/sha-256:" + digest + "?namespace=..%2Fsibling",
				"/sha-256:" + digest + "?namespace=%2Ftmp", "/sha-256:" + digest + "?namespace=..%2F..",
				"/sha-256:" + digest + "%00.jar", "/%2Fetc%2Fpasswd", "/sha-256:" + digest + "?namespace=sibling");
		for (String path : hostile) {
			for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
				ResponseEntity<String> response = exchange(method, ENDPOINT + path, null);
				assertThat(response.getStatusCode().is4xxClientError()).as(method + " " + path + ": " + response)
					.isTrue();
			}
		}
		assertStatus(post("{\"action\":\"../../sibling\"}"), HttpStatus.BAD_REQUEST);
		assertStatus(post("{\"action\":\"cleanup\"}"), HttpStatus.OK);
		assertStatus(delete(ENDPOINT), HttpStatus.OK);
		Map<String, String> after = snapshot(temp);
		after.keySet().removeIf((path) -> path.startsWith("parent/cache"));
		assertThat(after).isEqualTo(before);
		assertThat(lookalike).hasContent("not yours");
	}

	@Test
	void healthShowsTheCacheAsUpWithDetails() {
		DocumentContext health = json(assertStatus(get("/actuator/health/chicoryCache"), HttpStatus.OK));
		assertThat(health.read("$.status", String.class)).isEqualTo("UP");
		assertThat(health.read("$.details.directory", String.class)).isEqualTo(root().toString());
		assertThat(health.read("$.details.writable", Boolean.class)).isTrue();
		assertThat(health.read("$.details.degraded", Boolean.class)).isFalse();
		assertThat(health.read("$.details.freeDiskSpaceBytes", Long.class)).isPositive();
	}

	@Test
	void metricsArePublished() {
		// the meters count over the cache's lifetime: earlier tests' hits are included
		long hitsBefore = this.cache.stats().hits();
		WasmModule module = module(1);
		compile(module);
		this.compiler.clearMemory();
		compile(module);
		DocumentContext hits = json(
				assertStatus(get("/actuator/metrics/cache.gets?tag=cache:chicory&tag=result:hit"), HttpStatus.OK));
		assertThat(hits.read("$.measurements[0].value", Double.class)).isEqualTo(hitsBefore + 1.0);
		DocumentContext compile = json(
				assertStatus(get("/actuator/metrics/chicory.compile?tag=source:disk"), HttpStatus.OK));
		assertThat(compile.<List<Object>>read("$.measurements[?(@.statistic=='COUNT')].value")).isNotEmpty();
		assertStatus(get("/actuator/metrics/chicory.cache.size.bytes"), HttpStatus.OK);
	}

	private Compilation compile(WasmModule module) {
		return EndpointTestSupport.compileAndStore(this.compiler, this.cache, module);
	}

	private CacheEntry onlyEntry() {
		List<CacheEntry> entries = this.cache.entries();
		assertThat(entries).hasSize(1);
		return entries.get(0);
	}

	private void lastAccess(WasmModule module, Instant time) throws IOException {
		CacheEntry entry = this.cache.namespace(this.compiler.namespace()).entry(module.digest()).orElseThrow();
		Files.setLastModifiedTime(root().resolve(entry.path()), FileTime.from(time));
	}

	private ResponseEntity<String> get(String path) {
		return exchange(HttpMethod.GET, path, null);
	}

	private ResponseEntity<String> delete(String path) {
		return exchange(HttpMethod.DELETE, path, null);
	}

	private ResponseEntity<String> post(String body) {
		return exchange(HttpMethod.POST, ENDPOINT, body);
	}

	private ResponseEntity<String> exchange(HttpMethod method, String path, String body) {
		return EndpointTestSupport.exchange(this.rest, this.port, method, path, body);
	}

	/**
	 * Asserts the one body of every client error of the endpoint.
	 */
	static void assertError(ResponseEntity<String> response, HttpStatus status, String message) {
		DocumentContext body = json(assertStatus(response, status));
		assertThat(body.<Map<String, Object>>read("$")).containsOnlyKeys("status", "error", "message");
		assertThat(body.read("$.status", Integer.class)).isEqualTo(status.value());
		assertThat(body.read("$.error", String.class)).isEqualTo(status.getReasonPhrase());
		assertThat(body.read("$.message", String.class)).contains(message);
	}

	private static ResponseEntity<String> assertStatus(ResponseEntity<String> response, HttpStatus status) {
		assertThat(response.getStatusCode()).as(response.toString()).isEqualTo(status);
		return response;
	}

}
