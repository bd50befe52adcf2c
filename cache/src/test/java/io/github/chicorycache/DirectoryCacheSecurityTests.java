package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cache holds bytecode the application runs: its directory is created owner-only, and
 * a directory others can write to is refused unless explicitly allowed.
 */
@ExtendWith(QuietCacheLog.class)
class DirectoryCacheSecurityTests {

	@TempDir
	Path temp;

	@BeforeEach
	void requirePosix() {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
	}

	@Test
	void newRootAndItsFilesAreOwnerOnly() throws IOException {
		Path root = this.temp.resolve("a/b/cache");
		try (DirectoryCache cache = direct(root).build()) {
			assertThat(permissions(root)).isEqualTo("rwx------");
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[10]);
			assertThat(permissions(root.resolve(DirectoryCache.TEMP_DIRECTORY))).isEqualTo("rwx------");
			assertThat(permissions(CacheFixtures.expectedPath(root, key))).isEqualTo("rw-------");
		}
	}

	@Test
	void rootRemovedWhileOpenIsRecreatedOwnerOnly() throws IOException {
		Path root = this.temp.resolve("cache");
		try (DirectoryCache cache = direct(root).build()) {
			Files.delete(root);
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[10]);
			assertThat(cache.get(key)).hasSize(10);
			assertThat(permissions(root)).isEqualTo("rwx------");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "rwxrwxrwx", "rwxrwx---", "rwx---rwx", "rwx-w----", "rwx----w-", "rwxrwxr-x" })
	void rootWritableByGroupOrOthersIsRefused(String permissions) throws IOException {
		Path root = Files.createDirectory(this.temp.resolve("shared"));
		Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(permissions));
		assertThatIllegalArgumentException().isThrownBy(() -> direct(root).build())
			.withMessageContaining("'" + root + "'")
			.withMessageContaining("writable by group or others")
			.withMessageContaining(permissions)
			.withMessageContaining("chmod 700");
		assertThatIllegalArgumentException().isThrownBy(() -> new DirectoryCache(root));
		assertThatIllegalArgumentException().isThrownBy(() -> direct(root).withReadOnly(true).build());
		assertThat(root).isEmptyDirectory();
		assertThat(permissions(root)).isEqualTo(permissions);
	}

	@ParameterizedTest
	@ValueSource(strings = { "rwxrwxrwx", "rwxrwx---" })
	void sharedRootIsAcceptedWhenExplicitlyAllowed(String permissions) throws IOException {
		Path root = Files.createDirectory(this.temp.resolve("shared"));
		Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(permissions));
		try (DirectoryCache cache = direct(root).withAllowSharedDirectory(true).build()) {
			String key = CacheFixtures.key(1);
			cache.putIfAbsent(key, new byte[10]);
			assertThat(cache.get(key)).hasSize(10);
		}
		// the option does not change what is there
		assertThat(permissions(root)).isEqualTo(permissions);
	}

	@ParameterizedTest
	@ValueSource(strings = { "rwx------", "rwxr-xr-x", "rwxr-x---", "r-x------" })
	void rootReadableByOthersIsAccepted(String permissions) throws IOException {
		Path root = Files.createDirectory(this.temp.resolve("cache"));
		Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(permissions));
		try (DirectoryCache cache = direct(root).build()) {
			assertThat(cache.root()).isEqualTo(root);
		}
		finally {
			Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
		}
	}

	@Test
	void rootOwnedByAnotherUserIsRefusedUnlessShared() throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
		Path root = Files.createDirectory(this.temp.resolve("cache"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.setOwner(root, root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
		assertThatIllegalArgumentException().isThrownBy(() -> direct(root).build())
			.withMessageContaining("'" + root + "'")
			.withMessageContaining("is owned by 'nobody', not by this application's user 'root'");
		try (DirectoryCache cache = direct(root).withAllowSharedDirectory(true).build()) {
			assertThat(cache.root()).isEqualTo(root);
		}
	}

	@Test
	void rootOwnedByRootIsAcceptedForAnyUser() throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
		Path root = Files.createDirectory(this.temp.resolve("cache"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		System.setProperty("user.name", "someone");
		try (DirectoryCache cache = direct(root).withReadOnly(true).build()) {
			assertThat(cache.isReadOnly()).isTrue();
		}
		finally {
			System.setProperty("user.name", "root");
		}
	}

	@Test
	void rootThatIsARegularFileIsRefused() throws IOException {
		Path file = Files.writeString(this.temp.resolve("cache"), "x");
		assertThatIllegalArgumentException().isThrownBy(() -> direct(file).build())
			.withMessageContaining("'" + file + "'")
			.withMessageContaining("is not a directory");
		assertThat(file).hasContent("x");
	}

	@Test
	void permissionsAreCheckedOnAnyPosixFileSystem() throws IOException {
		Configuration posix = Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix").build();
		try (FileSystem fs = Jimfs.newFileSystem(posix)) {
			Path created = fs.getPath("/new/cache");
			try (DirectoryCache cache = direct(created).build()) {
				assertThat(cache.isWritable()).isTrue();
				assertThat(permissions(created)).isEqualTo("rwx------");
			}
			Path shared = Files.createDirectory(fs.getPath("/shared"),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
			assertThatIllegalArgumentException().isThrownBy(() -> direct(shared).build())
				.withMessageContaining("/shared");
		}
	}

	@Test
	void withoutPosixNoPermissionsAreSetOrChecked() throws IOException {
		try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
			assertThat(fs.supportedFileAttributeViews()).doesNotContain("posix");
			try (DirectoryCache cache = direct(fs.getPath("/cache")).build()) {
				cache.putIfAbsent(CacheFixtures.SEED_KEY, new byte[] { 1 });
				assertThat(cache.get(CacheFixtures.SEED_KEY)).containsExactly(1);
				assertThat(cache.stats().faults()).isZero();
			}
		}
	}

	private static DirectoryCache.Builder direct(Path root) {
		return DirectoryCache.builder(root).withExecutor(CacheFixtures.DIRECT);
	}

	private static String permissions(Path path) throws IOException {
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
		return PosixFilePermissions.toString(permissions);
	}

}
