package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every directory below the root is owner-only (issue 11, case 6): those the cache
 * creates whatever the umask (namespace, algorithm and shard directories used to follow
 * it), and existing ones that group or others can write are fixed if they are the
 * cache's, refused like the root otherwise.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCachePermissionTests {

	@TempDir
	Path temp;

	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void everyDirectoryTheCacheCreatesIsOwnerOnlyUnderAPermissiveUmask() throws Exception {
		Path root = this.temp.resolve("cache");
		try (DirectoryCacheMultiProcessTests.WorkerProcess worker = DirectoryCacheMultiProcessTests.WorkerProcess
			.startWithUmask("000", "put", root.toString())) {
			Map<String, String> result = DirectoryCacheMultiProcessTests
				.parse(worker.awaitLine(DirectoryCacheWorker.RESULT, Duration.ofSeconds(60)));
			// the umask really was 000: a directory created without explicit permissions
			assertThat(result).as(worker.output())
				.containsEntry("control", "rwxrwxrwx")
				.containsEntry("puts", "2")
				.containsEntry("faults", "0");
			assertThat(worker.waitFor(Duration.ofSeconds(60))).isZero();
		}
		List<Path> directories = tree(root).filter(Files::isDirectory).toList();
		// root, .tmp, sha-256, its shard, v1, v1/sha-256, its shard
		assertThat(directories).hasSize(7)
			.allSatisfy(
					(directory) -> assertThat(permissions(directory)).as(directory.toString()).isEqualTo("rwx------"));
		assertThat(tree(root).filter(Files::isRegularFile).toList()).hasSize(2)
			.allSatisfy((file) -> assertThat(permissions(file)).as(file.toString()).isEqualTo("rw-------"));
	}

	@Test
	void existingDirectoriesOfOursThatOthersCanWriteAreFixedWhenTheCacheOpens() throws IOException {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.namespace("v1").putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
		}
		Path shard = CacheFixtures.expectedPath(root.resolve("v1"), CacheFixtures.key(1)).getParent();
		List<Path> below = List.of(root.resolve(DirectoryCache.TEMP_DIRECTORY), root.resolve("v1"), shard.getParent(),
				shard);
		for (Path directory : below) {
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		}
		try (DirectoryCache cache = direct(root).build()) {
			assertThat(below).allSatisfy((directory) -> assertThat(permissions(directory)).isEqualTo("rwxr-xr-x"));
			assertThat(cache.namespace("v1").get(CacheFixtures.key(1))).containsExactly(1);
		}
	}

	@Test
	void directoryOfOursThatOthersCanWriteIsFixedBeforeAPutWritesIntoIt() throws IOException {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			Path shard = CacheFixtures.expectedPath(root, CacheFixtures.key(1)).getParent();
			Files.setPosixFilePermissions(shard, PosixFilePermissions.fromString("rwx-w--w-"));
			cache.putIfAbsent(sameShard(CacheFixtures.key(1)), new byte[] { 2 });
			assertThat(permissions(shard)).isEqualTo("rwx------");
			assertThat(cache.stats().puts()).isEqualTo(2);
		}
	}

	@Test
	void readOnlyCacheRefusesADirectoryOthersCanWriteInsteadOfFixingIt() throws IOException {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.namespace("v1").putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
		}
		Files.setPosixFilePermissions(root.resolve("v1"), PosixFilePermissions.fromString("rwxrwx---"));
		assertThatExceptionOfType(CacheDirectoryException.class)
			.isThrownBy(() -> direct(root).withReadOnly(true).build())
			.satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(CacheDirectoryException.Reason.UNSAFE_SUBDIRECTORY);
				assertThat(ex.directory()).isEqualTo(root.resolve("v1"));
				assertThat(ex.getMessage()).contains("rwxrwx---").contains("read-only");
			});
		assertThat(permissions(root.resolve("v1"))).isEqualTo("rwxrwx---");
		try (DirectoryCache cache = direct(root).withReadOnly(true).withAllowSharedDirectory(true).build()) {
			assertThat(cache.namespace("v1").get(CacheFixtures.key(1))).containsExactly(1);
		}
	}

	@Test
	void directoryBelowTheRootOwnedByAnotherUserIsRefusedUnlessShared() throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.namespace("v1").putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
		}
		Path namespace = root.resolve("v1");
		UserPrincipal nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
		Files.setOwner(namespace, nobody);
		assertThatExceptionOfType(CacheDirectoryException.class).isThrownBy(() -> direct(root).build())
			.satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(CacheDirectoryException.Reason.UNSAFE_SUBDIRECTORY);
				assertThat(ex.getMessage()).contains("'" + namespace + "'").contains("is owned by 'nobody'");
			});
		// writable by others and not ours: refused too, and not changed
		Files.setPosixFilePermissions(namespace, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(CacheDirectoryException.class).isThrownBy(() -> direct(root).build());
		assertThat(permissions(namespace)).isEqualTo("rwxrwxrwx");
		try (DirectoryCache cache = direct(root).withAllowSharedDirectory(true).build()) {
			assertThat(cache.namespace("v1").get(CacheFixtures.key(1))).containsExactly(1);
		}
	}

	@Test
	void putIntoADirectoryThatBecameAnotherUsersIsAFailureNotAWrite() throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			cache.putIfAbsent(CacheFixtures.key(1), new byte[] { 1 });
			Path shard = CacheFixtures.expectedPath(root, CacheFixtures.key(1)).getParent();
			Files.setOwner(shard, root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
			String other = sameShard(CacheFixtures.key(1));
			cache.putIfAbsent(other, new byte[] { 2 });
			assertThat(cache.get(other)).isNull();
			assertThat(cache.stats().putFailures()).isOne();
			assertThat(cache.stats().lastFault().message()).contains("is owned by 'nobody'");
		}
	}

	/**
	 * Returns a key whose entry lives in the same shard as the given key's.
	 */
	private static String sameShard(String key) {
		Path shard = CacheFixtures.expectedPath(Path.of("/"), key).getParent();
		for (int i = 1000;; i++) {
			String candidate = CacheFixtures.key(i);
			if (CacheFixtures.expectedPath(Path.of("/"), candidate).getParent().equals(shard)) {
				return candidate;
			}
		}
	}

	private static Stream<Path> tree(Path root) throws IOException {
		try (Stream<Path> files = Files.walk(root)) {
			return files.toList().stream();
		}
	}

	private static String permissions(Path path) {
		try {
			return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static DirectoryCache.Builder direct(Path root) {
		return DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT);
	}

}
