package io.github.chicorycache.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link CacheDirectoryResolver}.
 */
@ExtendWith(OutputCaptureExtension.class)
class CacheDirectoryResolverTests {

	@TempDir
	Path temp;

	private final Map<String, String> environment = new HashMap<>();

	private final Properties systemProperties = new Properties();

	private Path home;

	private Path tmpdir;

	private Path resolve() {
		return new CacheDirectoryResolver(this.environment, this.systemProperties).resolve(null);
	}

	private void setUp() throws IOException {
		this.home = Files.createDirectories(this.temp.resolve("home"));
		this.tmpdir = Files.createDirectories(this.temp.resolve("tmp"));
		this.systemProperties.setProperty("user.home", this.home.toString());
		this.systemProperties.setProperty("user.name", "alice");
		this.systemProperties.setProperty("java.io.tmpdir", this.tmpdir.toString());
	}

	@Test
	void configuredDirectoryWins() throws IOException {
		setUp();
		this.environment.put("XDG_CACHE_HOME", this.temp.resolve("xdg").toString());
		Path configured = this.temp.resolve("configured");
		assertThat(new CacheDirectoryResolver(this.environment, this.systemProperties).resolve(configured))
			.isEqualTo(configured);
	}

	@Test
	void xdgCacheHomeComesFirst() throws IOException {
		setUp();
		Path xdg = this.temp.resolve("xdg");
		this.environment.put("XDG_CACHE_HOME", xdg.toString());
		assertThat(resolve()).isEqualTo(xdg.resolve("chicory"));
	}

	@Test
	void relativeXdgCacheHomeIsIgnored() throws IOException {
		setUp();
		this.environment.put("XDG_CACHE_HOME", "relative/cache");
		assertThat(resolve()).isEqualTo(this.home.resolve(".cache").resolve("chicory"));
	}

	@Test
	void blankXdgCacheHomeIsIgnored() throws IOException {
		setUp();
		this.environment.put("XDG_CACHE_HOME", " ");
		assertThat(resolve()).isEqualTo(this.home.resolve(".cache").resolve("chicory"));
	}

	@Test
	void userHomeCacheWithoutXdgCacheHome() throws IOException {
		setUp();
		assertThat(resolve()).isEqualTo(this.home.resolve(".cache").resolve("chicory"));
		// nothing is created by resolving
		assertThat(this.home.resolve(".cache")).doesNotExist();
	}

	@Test
	void fallsBackToTmpdirWhenHomeIsARegularFile(CapturedOutput output) throws IOException {
		setUp();
		Path homeFile = Files.writeString(this.temp.resolve("home-file"), "not a directory");
		this.systemProperties.setProperty("user.home", homeFile.toString());
		assertThat(resolve()).isEqualTo(this.tmpdir.resolve("chicory-cache-alice"));
		assertThat(output).contains(homeFile.resolve(".cache").resolve("chicory") + " is not writable; using "
				+ this.tmpdir.resolve("chicory-cache-alice"));
	}

	@Test
	void fallsBackToTmpdirWhenXdgCacheHomeIsARegularFile() throws IOException {
		setUp();
		Path xdgFile = Files.writeString(this.temp.resolve("xdg-file"), "not a directory");
		this.environment.put("XDG_CACHE_HOME", xdgFile.toString());
		assertThat(resolve()).isEqualTo(this.tmpdir.resolve("chicory-cache-alice"));
	}

	@Test
	void fallsBackToTmpdirWithoutHome(CapturedOutput output) throws IOException {
		setUp();
		this.systemProperties.setProperty("user.home", "?");
		assertThat(resolve()).isEqualTo(this.tmpdir.resolve("chicory-cache-alice"));
		assertThat(output).contains("Chicory cache directory is unknown; using");
	}

	@Test
	void fallbackSanitizesTheUserName() throws IOException {
		setUp();
		this.systemProperties.setProperty("user.home", "?");
		this.systemProperties.setProperty("user.name", "../DOMAIN\\bob smith");
		Path resolved = resolve();
		assertThat(resolved.getParent()).isEqualTo(this.tmpdir);
		assertThat(resolved.getFileName()).hasToString("chicory-cache-.._DOMAIN_bob_smith");
	}

	@Test
	void fallbackThatThisUserOwnsIsReused() throws IOException {
		setUp();
		this.systemProperties.setProperty("user.home", "?");
		Path existing = Files.createDirectory(this.tmpdir.resolve("chicory-cache-alice"));
		assertThat(resolve()).isEqualTo(existing);
	}

	@Test
	void fallbackThatAnotherUserOwnsIsNotUsed(CapturedOutput output) throws IOException {
		setUp();
		this.systemProperties.setProperty("user.home", "?");
		Path foreign = Files.createDirectory(this.tmpdir.resolve("chicory-cache-alice"));
		UserPrincipal nobody;
		try {
			nobody = foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
			Files.setOwner(foreign, nobody);
		}
		catch (IOException | UnsupportedOperationException ex) {
			nobody = null;
		}
		assumeTrue(nobody != null, "changing a file's owner needs root");
		Path resolved = resolve();
		assertThat(resolved).isNotEqualTo(foreign).isDirectory();
		assertThat(resolved.getParent()).isEqualTo(this.tmpdir);
		assertThat(resolved.getFileName().toString()).startsWith("chicory-cache-alice-");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(resolved))).isEqualTo("rwx------");
		assertThat(output).contains(foreign + " is not a directory owned by this user");
	}

	@Test
	void fallbackThatIsASymbolicLinkIsNotUsed() throws IOException {
		setUp();
		this.systemProperties.setProperty("user.home", "?");
		Path target = Files.createDirectory(this.temp.resolve("elsewhere"));
		Path link = Files.createSymbolicLink(this.tmpdir.resolve("chicory-cache-alice"), target);
		Path resolved = resolve();
		assertThat(resolved).isNotEqualTo(link);
		assertThat(Files.isSymbolicLink(resolved)).isFalse();
		assertThat(Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)).isTrue();
	}

	@Test
	void fallbackThatIsARegularFileIsNotUsed() throws IOException {
		setUp();
		this.systemProperties.setProperty("user.home", "?");
		Path file = Files.writeString(this.tmpdir.resolve("chicory-cache-alice"), "squatted");
		assertThat(resolve()).isNotEqualTo(file).isDirectory();
	}

	@Test
	void environmentProvidesTheVariablesAndSystemProperties() throws IOException {
		Path xdg = this.temp.resolve("xdg");
		MockEnvironment environment = new MockEnvironment().withProperty("XDG_CACHE_HOME", xdg.toString());
		assertThat(CacheDirectoryResolver.of(environment).resolve(null)).isEqualTo(xdg.resolve("chicory"));
		Path home = Files.createDirectories(this.temp.resolve("home"));
		environment = new MockEnvironment().withProperty("user.home", home.toString());
		assertThat(CacheDirectoryResolver.of(environment).resolve(null))
			.isEqualTo(home.resolve(".cache").resolve("chicory"));
	}

	@Test
	void isWritableWhenTheNearestExistingAncestorIsAWritableDirectory() throws IOException {
		assertThat(CacheDirectoryResolver.isWritable(this.temp)).isTrue();
		assertThat(CacheDirectoryResolver.isWritable(this.temp.resolve("a").resolve("b"))).isTrue();
		Path file = Files.writeString(this.temp.resolve("file"), "x");
		assertThat(CacheDirectoryResolver.isWritable(file)).isFalse();
		assertThat(CacheDirectoryResolver.isWritable(file.resolve("child"))).isFalse();
	}

}
