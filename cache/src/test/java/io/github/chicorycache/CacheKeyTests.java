package io.github.chicorycache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Tests for {@link CacheKey}: what Chicory can produce is accepted, anything else is
 * rejected with a message naming the problem (where keys go on disk is
 * {@code EntryLayoutTests}).
 */
class CacheKeyTests {

	@Test
	void seedKeyIsParsed() {
		CacheKey key = CacheKey.parse(CacheFixtures.SEED_KEY);
		assertThat(key.algorithm()).isEqualTo("sha-256");
		assertThat(key.digest()).isEqualTo("KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=");
		assertThat(key.value()).isEqualTo(CacheFixtures.SEED_KEY).isEqualTo(key.toString());
	}

	static Stream<Arguments> validKeys() throws Exception {
		byte[] input = "count_vowels".getBytes(StandardCharsets.UTF_8);
		String sha512 = digest("SHA-512", input);
		String sha384 = digest("SHA-384", input);
		String md5 = digest("MD5", input);
		String sha1 = digest("SHA-1", input);
		return Stream.of(arguments("sha-256:" + digest("SHA-256", input)), arguments("sha-512:" + sha512),
				arguments("sha-384:" + sha384), arguments("md5:" + md5), arguments("sha-1:" + sha1),
				arguments("sha3-256:" + digest("SHA3-256", input)),
				arguments("sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w"),
				arguments("sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb-w"), arguments("sha-256:ab-_AB09"),
				arguments("x:ab"), arguments("x:ab=="), arguments("-:ab"), arguments("0:ab"),
				arguments("sha-256:/etc/passwd"), arguments("a".repeat(CacheKey.MAX_ALGORITHM_LENGTH) + ":AAAA"),
				arguments("sha-256:" + "A".repeat(CacheKey.MAX_DIGEST_LENGTH)),
				arguments("sha-256:" + "A".repeat(CacheKey.MAX_DIGEST_LENGTH - 2) + "=="));
	}

	@ParameterizedTest
	@MethodSource("validKeys")
	void acceptsEveryDigestChicoryCanProduce(String value) {
		CacheKey key = CacheKey.parse(value);
		assertThat(key.value()).isEqualTo(value);
		assertThat(key.algorithm()).isEqualTo(value.substring(0, value.indexOf(':')));
	}

	@Test
	void acceptedDigestsIncludeAllPaddingForms() throws Exception {
		// the cases above really cover double, single and no padding
		byte[] input = "count_vowels".getBytes(StandardCharsets.UTF_8);
		assertThat(digest("SHA-512", input)).endsWith("==");
		assertThat(digest("MD5", input)).endsWith("==");
		assertThat(digest("SHA-1", input)).endsWith("=").doesNotEndWith("==");
		assertThat(digest("SHA-384", input)).doesNotContain("=");
	}

	@Test
	void paddingAndUrlSafeFormsHaveOneFileSafeForm() {
		assertThat(CacheKey.parse("sha-256:ab+/CD==").fileSafe()).isEqualTo("sha-256:ab-_CD")
			.isEqualTo(CacheKey.parse("sha-256:ab-_CD").fileSafe());
	}

	static Stream<Arguments> invalidKeys() {
		return Stream.of(arguments("../../x:AAAA=", "algorithm '../../x' may only contain [a-z0-9-], found '.'"),
				arguments("..:AAAA", "algorithm '..' may only contain [a-z0-9-], found '.'"),
				arguments("/etc:AAAA", "found '/'"), arguments("a/b:AAAA", "algorithm 'a/b'"),
				arguments("a\\b:AAAA", "found '\\'"), arguments("sha\0:AAAA", "found '\\u0000'"),
				arguments("sha-256:AA\0AA", "digest may only contain base64 characters"),
				arguments("sha-256:AAAA\0", "found '\\u0000'"), arguments(":AAAA", "algorithm must not be empty"),
				arguments("sha-256:", "at least 2 base64 characters"),
				arguments("sha-256:A", "at least 2 base64 characters"),
				arguments("sha-256:A=", "at least 2 base64 characters"),
				arguments("sha-256:==", "at least 2 base64 characters"),
				arguments("sha-256:AAAA===", "more than two '=' padding characters"),
				arguments("abc", "must have the form '<algorithm>:<base64 digest>'"),
				arguments("", "must have the form"), arguments("SHA-256:AAAA", "found 'S'"),
				arguments("Sha-256:AAAA", "found 'S'"), arguments("sha_256:AAAA", "found '_'"),
				arguments("sha-256:../../../etc/passwd", "digest may only contain base64 characters"),
				arguments("sha-256:AAAA/..", "found '.'"), arguments("sha-256:AA=A", "found '='"),
				arguments("sha-256:AA AA", "found ' '"), arguments("sha-256:AA\nAA", "found '\\u000a'"),
				arguments("sha-256:\u00c4\u00c4\u00c4\u00c4", "found '\u00c4'"),
				arguments("sha-256:AAAA:BB", "found ':'"), arguments("/etc/passwd", "must have the form"),
				arguments("/abs/path:AAAA", "found '/'"), arguments("C:\\Windows", "found 'C'"),
				arguments("c:\\windows\\system32", "digest may only contain base64 characters"),
				arguments("sha-256:" + "A".repeat(CacheKey.MAX_DIGEST_LENGTH + 1), "at most 250 characters"),
				arguments("sha-256:" + "A".repeat(10_000), "at most 250 characters"),
				arguments("a".repeat(CacheKey.MAX_ALGORITHM_LENGTH + 1) + ":AAAA", "at most 64 characters"));
	}

	@ParameterizedTest
	@MethodSource("invalidKeys")
	void rejectsInvalidKeysNamingTheProblem(String value, String problem) {
		assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.parse(value))
			.withMessageContaining(problem)
			.withMessageNotContaining("\0")
			.satisfies((ex) -> assertThat(ex.getMessage().length()).isLessThan(400));
	}

	@Test
	void rejectsNull() {
		assertThatIllegalArgumentException().isThrownBy(() -> CacheKey.parse(null)).withMessageContaining("null");
	}

	@Test
	void constructorValidatesLikeParse() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CacheKey("..", "AAAA"));
		assertThatIllegalArgumentException().isThrownBy(() -> new CacheKey("sha-256", "A/.."));
		assertThat(new CacheKey("sha-256", "AAAA")).isEqualTo(CacheKey.parse("sha-256:AAAA"));
	}

	private static String digest(String algorithm, byte[] input) throws Exception {
		return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(input));
	}

}
