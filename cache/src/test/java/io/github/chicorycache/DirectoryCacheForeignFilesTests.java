package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a {@link DirectoryCache} over a directory that also holds other files only
 * ever lists, evicts or clears its own entries, and that every form of one key reads the
 * same entry.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheForeignFilesTests {

	@TempDir
	Path root;

	@Test
	void jarsOutsideTheEntryLayoutAreNeitherListedNorEvictedNorCleared() throws IOException {
		List<Path> foreign = List.of(write("someapp/lib/plugin.jar"), write("junit/junit/4.13/junit-4.13.jar"),
				write("BOOT-INF/lib/x.jar"), write("sha-256/kr/Upper.jar"), write("sha-256/kr/name.txt"),
				write("ns/sha-256/abc/name.jar"));
		try (DirectoryCache cache = DirectoryCache.builder(this.root)
			.withExecutor(Runnable::run)
			.withMaxEntries(1)
			.build()) {
			String first = CacheFixtures.key(1);
			String second = CacheFixtures.key(2);
			cache.putIfAbsent(first, new byte[] { 1 });
			assertThat(cache.entries()).extracting(CacheEntry::key).containsExactly(first);
			cache.putIfAbsent(second, new byte[] { 2 });
			assertThat(cache.cleanup().entriesAfter()).isEqualTo(1);
			assertThat(cache.clear().evicted()).containsEntry(EvictionCause.MANUAL, 1L);
			assertThat(cache.entries()).isEmpty();
		}
		assertThat(foreign).allSatisfy((file) -> assertThat(file).exists().hasContent("not an entry"));
	}

	@Test
	void paddedUnpaddedAndFileSafeFormsOfAKeyReadTheSameEntry() {
		try (DirectoryCache cache = DirectoryCache.builder(this.root).withCleanupOnOpen(false).build()) {
			String padded = "sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=";
			cache.putIfAbsent(padded, new byte[] { 7 });
			assertThat(cache.get("sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w")).containsExactly(7);
			assertThat(cache.get(CacheKey.parse(padded).fileSafe())).containsExactly(7);
			assertThat(cache.get(padded)).containsExactly(7);
			assertThat(cache.stats().corruptEntries()).isZero();
			assertThat(cache.stats().hits()).isEqualTo(3);
		}
	}

	private Path write(String relative) throws IOException {
		Path file = this.root.resolve(relative);
		Files.createDirectories(file.getParent());
		return Files.writeString(file, "not an entry");
	}

}
