package io.github.chicorycache.directory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.chicorycache.CacheKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link EntryLayout}: every valid key maps to the seed layout, inside the
 * root, and only paths of that exact shape are taken for entries.
 */
class EntryLayoutTests {

	private final EntryLayout layout = new EntryLayout(Path.of("/cache").toAbsolutePath());

	@Test
	void seedKeyMapsToTheSeedLayout() {
		CacheKey key = CacheKey.parse("sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=");
		assertThat(EntryLayout.relativePath(key)).containsExactly("sha-256", "kr",
				"gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar");
		Path file = this.layout.entryPath("", key);
		assertThat(this.layout.relativeName(file))
			.isEqualTo("sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar");
		assertThat(this.layout.namespaceOf(file)).isEmpty();
		Path namespaced = this.layout.entryPath("v1", key);
		assertThat(this.layout.relativeName(namespaced))
			.isEqualTo("v1/sha-256/kr/gytkcm43c34ksqta8gmddw4ycfquc2g0qfifcpb-w.jar");
		assertThat(this.layout.namespaceOf(namespaced)).isEqualTo("v1");
	}

	@ParameterizedTest
	@MethodSource("io.github.chicorycache.CacheKeyTests#validKeys")
	void everyDigestChicoryCanProduceHasAnEntryPath(String value) {
		CacheKey key = CacheKey.parse(value);
		String[] path = EntryLayout.relativePath(key);
		assertThat(path).hasSize(3);
		assertThat(path[0]).isEqualTo(key.algorithm());
		assertThat(path[1]).hasSize(2).matches("[a-z0-9_-]{2}");
		assertThat(path[2]).endsWith(".jar").matches("[a-z0-9_-]*\\.jar");
		assertThat(String.join("/", path).getBytes(StandardCharsets.UTF_8)).hasSizeLessThan(400);
		assertThat(path[2].getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
		Path file = this.layout.entryPath("v1", key);
		assertThat(EntryLayout.isEntryPath(this.layout.root().relativize(file))).isTrue();
		assertThat(EntryLayout.isEntryPath(this.layout.root().relativize(this.layout.entryPath("", key)))).isTrue();
	}

	@Test
	void paddingAndUrlSafeFormsShareOneFile() {
		String[] standard = EntryLayout.relativePath(CacheKey.parse("sha-256:ab+/CD=="));
		assertThat(EntryLayout.relativePath(CacheKey.parse("sha-256:ab-_CD"))).containsExactly(standard);
		assertThat(standard).containsExactly("sha-256", "ab", "-_cd.jar");
	}

	@Test
	void twoCharacterDigestIsAccepted() {
		assertThat(EntryLayout.relativePath(CacheKey.parse("sha-256:AB"))).containsExactly("sha-256", "ab", ".jar");
		assertThat(EntryLayout.relativePath(CacheKey.parse("sha-256:AB=="))).containsExactly("sha-256", "ab", ".jar");
	}

	@Test
	void slashInTheDigestIsBase64AndNeverASeparator() {
		// '/' is a base64 character: it is mapped to '_' and cannot leave the shard
		assertThat(EntryLayout.relativePath(CacheKey.parse("sha-256:/etc/passwd"))).containsExactly("sha-256", "_e",
				"tc_passwd.jar");
		assertThat(EntryLayout.relativePath(CacheKey.parse("sha-256:////"))).containsExactly("sha-256", "__", "__.jar");
	}

	@Test
	void onlyPathsOfTheEntryShapeAreEntries() {
		assertThat(EntryLayout.isEntryPath(Path.of("sha-256/kr/name.jar"))).isTrue();
		assertThat(EntryLayout.isEntryPath(Path.of("v1/sha-256/kr/name.jar"))).isTrue();
		assertThat(EntryLayout.isEntryPath(Path.of("sha-256/kr/Upper.jar"))).isFalse();
		assertThat(EntryLayout.isEntryPath(Path.of("sha-256/kr/name.txt"))).isFalse();
		assertThat(EntryLayout.isEntryPath(Path.of("sha-256/abc/name.jar"))).isFalse();
		assertThat(EntryLayout.isEntryPath(Path.of("BOOT-INF/lib/x.jar"))).isFalse();
		assertThat(EntryLayout.isEntryPath(Path.of(".tmp/sha-256/kr/name.jar"))).isFalse();
		assertThat(EntryLayout.isEntryPath(Path.of("a/b/sha-256/kr/name.jar"))).isFalse();
		assertThat(EntryLayout.isEntryPath(Path.of("name.jar"))).isFalse();
	}

	@Test
	void directoriesOfTheCacheAreTheLevelsOfTheEntryPaths() {
		for (String directory : new String[] { ".tmp", "v1", "sha-256", "v1/sha-256", "sha-256/kr", "v1/sha-256/kr" }) {
			assertThat(EntryLayout.isDirectoryPath(Path.of(directory))).as(directory).isTrue();
		}
		for (String other : new String[] { ".git", "v1/.tmp", "sha-256/a.b", "v1/sha-256/kr/x", "Upper", "a/b/c" }) {
			assertThat(EntryLayout.isDirectoryPath(Path.of(other))).as(other).isFalse();
		}
		Path file = this.layout.entryPath("v1", CacheKey.parse("sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w="));
		assertThat(this.layout.directoriesOf(file)).containsExactly(this.layout.root().resolve("v1"),
				this.layout.root().resolve("v1/sha-256"), this.layout.root().resolve("v1/sha-256/kr"));
	}

	@Test
	void namespacesArePlainLowerCaseSegments() {
		assertThat(EntryLayout.validateNamespace("chicory-1.7.5")).isEqualTo("chicory-1.7.5");
		assertThatIllegalArgumentException().isThrownBy(() -> EntryLayout.validateNamespace(".tmp"))
			.withMessageContaining("must match");
		assertThatIllegalArgumentException().isThrownBy(() -> EntryLayout.validateNamespace("a/b"));
	}

}
