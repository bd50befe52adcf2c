package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * No key, however crafted, makes the cache touch anything outside its root: every
 * operation that takes a key rejects it before any file-system access.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCachePathEscapeTests {

	@TempDir
	Path temp;

	static List<String> escapingKeys() {
		return List.of("../../x:AAAA=", "../x:AAAA", "..:AAAA", ".:AAAA", "/etc:AAAA", "/tmp/x:AAAA", "a/b:AAAA",
				"a\\b:AAAA", "..\\..\\x:AAAA", "sha\0:AAAA", "sha-256:AA\0../AA", "sha-256:../../../etc/passwd",
				"sha-256:AAAA/..", "sha-256:..", "sha-256:./AAAA", ":AAAA", "sha-256:", "sha-256:A", "abc",
				"/etc/passwd", "C:\\Windows:AAAA", "sha-256:AA\\..\\AA", "sha-256:" + "A".repeat(300),
				"x".repeat(70) + ":AAAA", "SHA-256:AAAA", "sha-256:AAAA%2F..", "sha-256:~root");
	}

	@ParameterizedTest
	@MethodSource("escapingKeys")
	void escapingKeyIsRejectedAndNothingIsCreated(String key) throws IOException {
		Path base = this.temp.resolve("base");
		Path root = base.resolve("cache");
		Files.createDirectories(base.resolve("sibling"));
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[10]);
			Map<String, String> before = CacheFixtures.snapshot(this.temp);
			CacheStats statsBefore = cache.stats();
			DirectoryCache.Namespace namespace = cache.namespace("v1");
			assertThatIllegalArgumentException().isThrownBy(() -> cache.putIfAbsent(key, new byte[] { 1 }))
				.withMessageContaining("Cache key");
			assertThatIllegalArgumentException().isThrownBy(() -> cache.get(key));
			assertThatIllegalArgumentException().isThrownBy(() -> cache.entry(key));
			assertThatIllegalArgumentException().isThrownBy(() -> cache.evict(key));
			assertThatIllegalArgumentException().isThrownBy(() -> namespace.putIfAbsent(key, new byte[] { 1 }));
			assertThatIllegalArgumentException().isThrownBy(() -> namespace.get(key));
			assertThatIllegalArgumentException().isThrownBy(() -> namespace.entry(key));
			assertThatIllegalArgumentException().isThrownBy(() -> namespace.evict(key));
			assertThat(CacheFixtures.snapshot(this.temp)).isEqualTo(before);
			// rejected keys are neither hits, misses nor faults
			CacheStats stats = cache.stats();
			assertThat(stats.misses()).isEqualTo(statsBefore.misses());
			assertThat(stats.puts()).isEqualTo(statsBefore.puts());
			assertThat(stats.faults()).isZero();
			assertThat(stats.putFailures()).isZero();
		}
	}

	@ParameterizedTest
	@MethodSource("escapingKeys")
	void escapingKeyIsRejectedOnJimfs(String key) throws IOException {
		try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
			Path root = fs.getPath("/cache");
			try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
				Map<String, String> before = CacheFixtures.snapshot(fs.getPath("/"));
				assertThatIllegalArgumentException().isThrownBy(() -> cache.putIfAbsent(key, new byte[] { 1 }));
				assertThatIllegalArgumentException().isThrownBy(() -> cache.get(key));
				assertThat(CacheFixtures.snapshot(fs.getPath("/"))).isEqualTo(before);
			}
		}
	}

	@Test
	void validKeysThatLookLikePathsStayInsideTheRoot() throws IOException {
		Path base = this.temp.resolve("base");
		Path root = base.resolve("cache");
		try (DirectoryCache cache = DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT).build()) {
			for (String key : List.of("sha-256:/etc/passwd", "sha-256://", "sha-256:////////", "tmp:AAAA",
					"sha-256:tmp", "etc:passwd")) {
				cache.putIfAbsent(key, new byte[] { 1 });
				assertThat(cache.get(key)).as(key).containsExactly(1);
			}
		}
		try (var files = Files.walk(base)) {
			assertThat(files.filter(Files::isRegularFile)).allSatisfy((file) -> assertThat(file).startsWith(root))
				.hasSize(6);
		}
		assertThat(CacheFixtures.entryFiles(root)).hasSize(6);
	}

}
