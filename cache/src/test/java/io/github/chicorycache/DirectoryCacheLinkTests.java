package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing below the root of a cache is followed if it is a link, for read, write, touch,
 * scan or delete (issue 11, cases 1, 2, 3 and 8): a link where a directory or an entry of
 * the cache belongs is removed or reported, never used, and what it points to is left
 * exactly as it was. The root itself may be a link: it is used through its real path.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheLinkTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private final CacheFixtures.MutableClock clock = new CacheFixtures.MutableClock(NOW);

	@TempDir
	Path temp;

	private Path root;

	/**
	 * Another cache's directory, which links in {@link #root} point to: whatever it holds
	 * must stay exactly as it is.
	 */
	private Path elsewhere;

	@BeforeEach
	void directories() throws IOException {
		this.root = Files.createDirectory(this.temp.resolve("cache"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		this.elsewhere = this.temp.resolve("elsewhere");
	}

	@Test
	void temporaryDirectoryThatIsALinkIsNeverSwept() throws IOException {
		// case 1: the orphan sweep used to delete every old file in the link's target
		Path outside = Files.createDirectories(this.temp.resolve("outside"));
		Path precious = Files.writeString(outside.resolve("precious.txt"), "not the cache's");
		Path lookalike = Files.writeString(outside.resolve("pid1-123.tmp"), "not the cache's either");
		CacheFixtures.setLastAccess(precious, NOW.minus(Duration.ofDays(30)));
		CacheFixtures.setLastAccess(lookalike, NOW.minus(Duration.ofDays(30)));
		Path link = Files.createSymbolicLink(this.root.resolve(DirectoryCache.TEMP_DIRECTORY), outside);
		Map<String, String> before = CacheFixtures.snapshot(outside);
		try (DirectoryCache cache = builder().withTempFileMaxAge(Duration.ZERO).build()) {
			// the opening pass removed the link, not what it points to
			assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
			assertThat(cache.stats().lastCleanup().tempFilesDeleted()).isZero();
			assertThat(cache.stats().lastFault().message()).contains(link.toString()).contains("symbolic link");
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[] { 1 });
			assertThat(cache.get(key)).containsExactly(1);
			assertThat(link).isDirectory();
			assertThat(Files.isSymbolicLink(link)).isFalse();
			this.clock.advance(Duration.ofDays(1));
			cache.cleanup();
		}
		assertThat(CacheFixtures.snapshot(outside)).isEqualTo(before);
	}

	@Test
	void temporaryDirectoryThatIsALinkIsReplacedBeforeAPutWritesThrough() throws IOException {
		Path outside = Files.createDirectories(this.temp.resolve("outside"));
		try (DirectoryCache cache = builder().withCleanupOnOpen(false).build()) {
			Path link = Files.createSymbolicLink(this.root.resolve(DirectoryCache.TEMP_DIRECTORY), outside);
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			assertThat(cache.get(CacheFixtures.key(1))).containsExactly(1);
			assertThat(Files.isSymbolicLink(link)).isFalse();
			assertThat(cache.stats().puts()).isOne();
		}
		assertThat(outside).isEmptyDirectory();
	}

	@Test
	void rootThatIsALinkWorksThroughItsRealPath() throws IOException {
		// case 2: /var/cache/app -> /data/..., a common setup, used to look empty
		Path real = this.root;
		Path link = Files.createSymbolicLink(this.temp.resolve("link-to-cache"), real);
		try (DirectoryCache writer = DirectoryCache.builder(real).withExecutor(CacheFixtures.DIRECT).build()) {
			for (int i = 0; i < 5; i++) {
				writer.putIfAbsent(CacheFixtures.key(i), new byte[100]);
			}
		}
		try (DirectoryCache cache = DirectoryCache.builder(link)
			.withExecutor(CacheFixtures.DIRECT)
			.withMaxEntries(10)
			.build()) {
			assertThat(cache.root()).isEqualTo(real.toRealPath());
			assertThat(cache).hasToString("DirectoryCache[" + real.toRealPath() + "]");
			assertThat(cache.stats().entryCount()).isEqualTo(5);
			assertThat(cache.entries()).hasSize(5);
			assertThat(cache.get(CacheFixtures.key(1))).hasSize(100);
			for (int i = 5; i < 11; i++) {
				this.clock.advance(Duration.ofSeconds(1));
				cache.putIfAbsent(CacheFixtures.key(i), new byte[100]);
			}
			// the limit holds: 11 entries went over 10 and were trimmed to 9
			assertThat(CacheFixtures.entryFiles(real)).hasSize(9);
			assertThat(cache.stats().evictions(EvictionCause.COUNT)).isEqualTo(2);
			assertThat(cache.clear().evictedTotal()).isEqualTo(9);
			assertThat(CacheFixtures.entryFiles(real)).isEmpty();
			assertThat(cache.stats().entryCount()).isZero();
		}
	}

	/**
	 * Case 3: a namespace, algorithm or shard directory that is a link pointing to
	 * another cache's directory, which holds a valid entry of the same key: following the
	 * link, a get would hit it and touch it, an evict would delete it, a put would write
	 * next to it.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3 })
	void directoryThatIsALinkIsNeverReadTouchedDeletedOrWrittenThrough(int depth) throws IOException {
		String key = CacheFixtures.key(1);
		Path link = linkToElsewhere(key, depth);
		Map<String, String> before = CacheFixtures.snapshot(this.elsewhere);
		try (DirectoryCache cache = builder().withCleanupOnOpen(false).build()) {
			DirectoryCache.Namespace namespace = cache.namespace("v1");
			this.clock.advance(Duration.ofHours(1));
			assertThat(namespace.get(key)).isNull();
			assertThat(cache.stats().misses()).isOne();
			assertThat(cache.stats().lastFault().message()).contains("symbolic link")
				.contains("links are never followed");
			assertThat(namespace.entry(key)).isEmpty();
			assertThat(namespace.evict(key)).isFalse();
			assertThat(namespace.invalidate(key, "test")).isFalse();
			assertThat(CacheFixtures.snapshot(this.elsewhere)).isEqualTo(before);
			// a put replaces the link by a directory of the cache's own
			namespace.putIfAbsent(key, new byte[] { 7 });
			assertThat(Files.isSymbolicLink(link)).isFalse();
			assertThat(link).isDirectory();
			assertThat(namespace.get(key)).containsExactly(7);
			assertThat(CacheFixtures.entryFiles(this.root)).singleElement()
				.satisfies((file) -> assertThat(file).startsWith(this.root));
		}
		assertThat(CacheFixtures.snapshot(this.elsewhere)).isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3 })
	void directoryThatIsALinkIsNeitherScannedNorEvictedFrom(int depth) throws IOException {
		String key = CacheFixtures.key(1);
		Path link = linkToElsewhere(key, depth);
		Map<String, String> before = CacheFixtures.snapshot(this.elsewhere);
		// limits that would evict everything they see
		try (DirectoryCache cache = builder().withMaxEntries(1).withMaxAge(Duration.ofSeconds(1)).build()) {
			this.clock.advance(Duration.ofDays(1));
			CleanupResult result = cache.cleanup();
			assertThat(result.entriesBefore()).isZero();
			assertThat(result.evictedTotal()).isZero();
			assertThat(cache.entries()).isEmpty();
			// the opening pass removed the link, and said so
			assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
			assertThat(cache.stats().faults()).isOne();
			assertThat(cache.stats().lastFault().kind()).isEqualTo(CacheFault.Kind.CLEANUP);
			assertThat(cache.clear().evictedTotal()).isZero();
		}
		assertThat(CacheFixtures.snapshot(this.elsewhere)).isEqualTo(before);
	}

	@Test
	void readOnlyCacheNeitherFollowsNorRemovesALink() throws IOException {
		String key = CacheFixtures.key(1);
		Path link = linkToElsewhere(key, 2);
		Map<String, String> before = CacheFixtures.snapshot(this.elsewhere);
		try (DirectoryCache cache = builder().withReadOnly(true).build()) {
			assertThat(cache.namespace("v1").get(key)).isNull();
			assertThat(cache.entries()).isEmpty();
			assertThat(cache.stats().lastCleanup().entriesAfter()).isZero();
		}
		assertThat(Files.isSymbolicLink(link)).isTrue();
		assertThat(CacheFixtures.snapshot(this.elsewhere)).isEqualTo(before);
	}

	@Test
	void entryThatIsALinkIsNeverReadNorTouched() throws IOException {
		// case 8: a get through an entry that is a link changed the outside file's time
		String key = CacheFixtures.key(1);
		Path target = elsewhereEntry(key);
		Path entry = CacheFixtures.expectedPath(this.root.resolve("v1"), key);
		Files.createDirectories(entry.getParent());
		Files.createSymbolicLink(entry, target);
		Map<String, String> before = CacheFixtures.snapshot(this.elsewhere);
		try (DirectoryCache cache = builder().withCleanupOnOpen(false).build()) {
			this.clock.advance(Duration.ofHours(1));
			assertThat(cache.namespace("v1").entry(key)).isEmpty();
			assertThat(cache.namespace("v1").get(key)).isNull();
			assertThat(cache.stats().lastFault().message()).contains("is a symbolic link, not an entry; removed");
			assertThat(Files.exists(entry, LinkOption.NOFOLLOW_LINKS)).isFalse();
			cache.namespace("v1").putIfAbsent(key, new byte[] { 7 });
			assertThat(cache.namespace("v1").get(key)).containsExactly(7);
		}
		assertThat(CacheFixtures.snapshot(this.elsewhere)).isEqualTo(before);
	}

	@Test
	void putReplacesAnEntryThatIsALinkInsteadOfWritingThroughIt() throws IOException {
		String key = CacheFixtures.key(1);
		Path target = elsewhereEntry(key);
		Path entry = CacheFixtures.expectedPath(this.root.resolve("v1"), key);
		Files.createDirectories(entry.getParent());
		Files.createSymbolicLink(entry, target);
		Map<String, String> before = CacheFixtures.snapshot(this.elsewhere);
		try (DirectoryCache cache = builder().withCleanupOnOpen(false).build()) {
			cache.namespace("v1").putIfAbsent(key, new byte[] { 7 });
			assertThat(Files.isSymbolicLink(entry)).isFalse();
			assertThat(cache.namespace("v1").get(key)).containsExactly(7);
		}
		assertThat(CacheFixtures.snapshot(this.elsewhere)).isEqualTo(before);
	}

	/**
	 * Writes a valid entry of a key in namespace {@code v1} of {@link #elsewhere}, and
	 * links the directory of the given depth below {@link #root} ({@code 1}: the
	 * namespace, {@code 2}: the algorithm, {@code 3}: the shard) to its counterpart
	 * there.
	 * @return the link
	 */
	private Path linkToElsewhere(String key, int depth) throws IOException {
		Path entry = elsewhereEntry(key);
		Path relative = this.elsewhere.relativize(entry).subpath(0, depth);
		Path link = this.root.resolve(relative);
		Files.createDirectories(link.getParent());
		return Files.createSymbolicLink(link, this.elsewhere.resolve(relative));
	}

	private Path elsewhereEntry(String key) {
		try (DirectoryCache other = DirectoryCache.builder(this.elsewhere)
			.withExecutor(CacheFixtures.DIRECT)
			.withClock(this.clock)
			.build()) {
			other.namespace("v1").putIfAbsent(key, new byte[] { 1, 2, 3 });
			assertThat(other.namespace("v1").get(key)).containsExactly(1, 2, 3);
		}
		return CacheFixtures.expectedPath(this.elsewhere.resolve("v1"), key);
	}

	private DirectoryCache.Builder builder() {
		return DirectoryCache.builder(this.root).withExecutor(CacheFixtures.DIRECT).withClock(this.clock);
	}

}
