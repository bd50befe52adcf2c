package io.github.chicorycache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link DefaultCacheDirectory}.
 */
class DefaultCacheDirectoryTests {

	/**
	 * The JDK's default {@code System.Logger} backend is {@code java.util.logging}; hold
	 * the logger strongly so that the handler stays attached.
	 */
	private final Logger julLogger = Logger.getLogger(DefaultCacheDirectory.class.getName());

	private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

	private final Handler handler = new Handler() {

		@Override
		public void publish(LogRecord record) {
			DefaultCacheDirectoryTests.this.messages.add(record.getLevel() + " " + record.getMessage());
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	private Level previousLevel;

	@TempDir
	Path temp;

	private final Map<String, String> values = new HashMap<>();

	private Path home;

	private Path tmpdir;

	@BeforeEach
	void setUp() throws IOException {
		this.previousLevel = this.julLogger.getLevel();
		this.julLogger.setLevel(Level.ALL);
		this.julLogger.addHandler(this.handler);
		this.home = Files.createDirectories(this.temp.resolve("home"));
		this.tmpdir = Files.createDirectories(this.temp.resolve("tmp"));
		this.values.put("user.home", this.home.toString());
		this.values.put("user.name", "alice");
		this.values.put("java.io.tmpdir", this.tmpdir.toString());
	}

	@AfterEach
	void releaseLog() {
		this.julLogger.removeHandler(this.handler);
		this.julLogger.setLevel(this.previousLevel);
	}

	private Path resolve() {
		return DefaultCacheDirectory.resolve(this.values::get);
	}

	@Test
	void xdgCacheHomeComesFirst() {
		Path xdg = this.temp.resolve("xdg");
		this.values.put("XDG_CACHE_HOME", xdg.toString());
		assertThat(resolve()).isEqualTo(xdg.resolve("chicory"));
		assertThat(this.messages).isEmpty();
	}

	@Test
	void relativeXdgCacheHomeIsIgnored() {
		this.values.put("XDG_CACHE_HOME", "relative/cache");
		assertThat(resolve()).isEqualTo(this.home.resolve(".cache").resolve("chicory"));
	}

	@Test
	void blankXdgCacheHomeIsIgnored() {
		this.values.put("XDG_CACHE_HOME", " ");
		assertThat(resolve()).isEqualTo(this.home.resolve(".cache").resolve("chicory"));
	}

	@Test
	void userHomeCacheWithoutXdgCacheHome() {
		assertThat(resolve()).isEqualTo(this.home.resolve(".cache").resolve("chicory"));
		// nothing is created by resolving
		assertThat(this.home.resolve(".cache")).doesNotExist();
	}

	@Test
	void fallsBackToTmpdirWhenHomeIsARegularFile() throws IOException {
		Path homeFile = Files.writeString(this.temp.resolve("home-file"), "not a directory");
		this.values.put("user.home", homeFile.toString());
		assertThat(resolve()).isEqualTo(this.tmpdir.resolve("chicory-cache-alice"));
		assertThat(this.messages)
			.containsExactly("INFO Chicory cache directory " + homeFile.resolve(".cache").resolve("chicory")
					+ " is not writable; using " + this.tmpdir.resolve("chicory-cache-alice"));
	}

	@Test
	void fallsBackToTmpdirWhenXdgCacheHomeIsARegularFile() throws IOException {
		Path xdgFile = Files.writeString(this.temp.resolve("xdg-file"), "not a directory");
		this.values.put("XDG_CACHE_HOME", xdgFile.toString());
		assertThat(resolve()).isEqualTo(this.tmpdir.resolve("chicory-cache-alice"));
	}

	@Test
	void fallsBackToTmpdirWithoutHome() {
		this.values.put("user.home", "?");
		assertThat(resolve()).isEqualTo(this.tmpdir.resolve("chicory-cache-alice"));
		assertThat(this.messages).singleElement()
			.asString()
			.startsWith("INFO Chicory cache directory is unknown; using");
	}

	@Test
	void fallbackSanitizesTheUserName() {
		this.values.put("user.home", "?");
		this.values.put("user.name", "../DOMAIN\\bob smith");
		Path resolved = resolve();
		assertThat(resolved.getParent()).isEqualTo(this.tmpdir);
		assertThat(resolved.getFileName()).hasToString("chicory-cache-.._DOMAIN_bob_smith");
	}

	@Test
	void fallbackThatThisUserOwnsIsReused() throws IOException {
		this.values.put("user.home", "?");
		Path existing = Files.createDirectory(this.tmpdir.resolve("chicory-cache-alice"));
		assertThat(resolve()).isEqualTo(existing);
	}

	@Test
	void fallbackThatAnotherUserOwnsIsNotUsed() throws IOException {
		this.values.put("user.home", "?");
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
		assertThat(this.messages).anySatisfy((message) -> assertThat(message).startsWith("WARNING")
			.contains(foreign + " is not a directory owned by this user"));
	}

	@Test
	void fallbackThatIsASymbolicLinkIsNotUsed() throws IOException {
		this.values.put("user.home", "?");
		Path target = Files.createDirectory(this.temp.resolve("elsewhere"));
		Path link = Files.createSymbolicLink(this.tmpdir.resolve("chicory-cache-alice"), target);
		Path resolved = resolve();
		assertThat(resolved).isNotEqualTo(link);
		assertThat(Files.isSymbolicLink(resolved)).isFalse();
		assertThat(Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)).isTrue();
	}

	@Test
	void fallbackThatIsARegularFileIsNotUsed() throws IOException {
		this.values.put("user.home", "?");
		Path file = Files.writeString(this.tmpdir.resolve("chicory-cache-alice"), "squatted");
		assertThat(resolve()).isNotEqualTo(file).isDirectory();
	}

	@Test
	void withoutALookupTheProcessEnvironmentComesBeforeTheSystemProperties() {
		assertThat(DefaultCacheDirectory.resolve()).isEqualTo(DefaultCacheDirectory.resolve((name) -> {
			String value = System.getenv(name);
			return (value != null) ? value : System.getProperty(name);
		}));
	}

	@Test
	void isWritableWhenTheNearestExistingAncestorIsAWritableDirectory() throws IOException {
		assertThat(DefaultCacheDirectory.isWritable(this.temp)).isTrue();
		assertThat(DefaultCacheDirectory.isWritable(this.temp.resolve("a").resolve("b"))).isTrue();
		Path file = Files.writeString(this.temp.resolve("file"), "x");
		assertThat(DefaultCacheDirectory.isWritable(file)).isFalse();
		assertThat(DefaultCacheDirectory.isWritable(file.resolve("child"))).isFalse();
	}

}
