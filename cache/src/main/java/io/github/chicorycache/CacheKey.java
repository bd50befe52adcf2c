package io.github.chicorycache;

import java.util.Objects;

/**
 * A validated cache key of the form {@code <algorithm>:<base64 digest>}, as produced by
 * Chicory for a module digest (for example
 * {@code sha-256:KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=}).
 * <p>
 * The algorithm is made of {@code [a-z0-9-]}; the digest is standard or URL-safe base64,
 * padded or unpadded, of at least two characters. Anything else is rejected with an
 * {@link IllegalArgumentException} that names the problem, so that no key can ever
 * address a file outside the cache directory.
 *
 * @param algorithm the digest algorithm, for example {@code sha-256}
 * @param digest the digest as given, for example
 * {@code KRgyTkCm43c34ksqtA8gmdDw4YCfquC2G0qfIFCpb+w=}
 */
public record CacheKey(String algorithm, String digest) {

	/**
	 * Longest accepted digest: the file name ({@code digest - 2 shard chars + ".jar"})
	 * must stay within the 255-byte limit of common file systems.
	 */
	public static final int MAX_DIGEST_LENGTH = 250;

	/**
	 * Longest accepted algorithm name.
	 */
	public static final int MAX_ALGORITHM_LENGTH = 64;

	public CacheKey {
		Objects.requireNonNull(algorithm, "algorithm");
		Objects.requireNonNull(digest, "digest");
		validateAlgorithm(algorithm);
		validateDigest(digest);
	}

	/**
	 * Parses and validates a key.
	 * @param key the key, {@code <algorithm>:<digest>}
	 * @return the key
	 * @throws IllegalArgumentException if the key is malformed
	 */
	public static CacheKey parse(String key) {
		if (key == null) {
			throw new IllegalArgumentException("Cache key must not be null");
		}
		int colon = key.indexOf(':');
		if (colon < 0) {
			throw new IllegalArgumentException(
					"Cache key '" + printable(key) + "' must have the form '<algorithm>:<base64 digest>'");
		}
		return new CacheKey(key.substring(0, colon), key.substring(colon + 1));
	}

	/**
	 * Returns the key in its canonical {@code <algorithm>:<digest>} form.
	 * @return the key
	 */
	public String value() {
		return this.algorithm + ":" + this.digest;
	}

	/**
	 * Returns the key in a form that is safe in file names and URL paths: the digest in
	 * URL-safe base64 without padding. It addresses the same entry as the key itself.
	 * @return the file-safe form, for example {@code sha-256:KRgy...pb-w}
	 */
	public String fileSafe() {
		return this.algorithm + ":" + stripPadding(this.digest).replace('+', '-').replace('/', '_');
	}

	@Override
	public String toString() {
		return value();
	}

	private static void validateAlgorithm(String algorithm) {
		if (algorithm.isEmpty()) {
			throw new IllegalArgumentException("Cache key algorithm must not be empty");
		}
		if (algorithm.length() > MAX_ALGORITHM_LENGTH) {
			throw new IllegalArgumentException(
					"Cache key algorithm must be at most " + MAX_ALGORITHM_LENGTH + " characters long");
		}
		for (int i = 0; i < algorithm.length(); i++) {
			char c = algorithm.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
				throw new IllegalArgumentException("Cache key algorithm '" + printable(algorithm)
						+ "' may only contain [a-z0-9-], found '" + printable(String.valueOf(c)) + "'");
			}
		}
	}

	private static void validateDigest(String digest) {
		String unpadded = stripPadding(digest);
		if (digest.length() - unpadded.length() > 2) {
			throw new IllegalArgumentException("Cache key digest has more than two '=' padding characters");
		}
		if (unpadded.length() < 2) {
			throw new IllegalArgumentException("Cache key digest must have at least 2 base64 characters");
		}
		if (digest.length() > MAX_DIGEST_LENGTH) {
			throw new IllegalArgumentException(
					"Cache key digest must be at most " + MAX_DIGEST_LENGTH + " characters long");
		}
		for (int i = 0; i < unpadded.length(); i++) {
			char c = unpadded.charAt(i);
			if (!isBase64(c)) {
				throw new IllegalArgumentException("Cache key digest may only contain base64 characters "
						+ "[A-Za-z0-9+/-_] and trailing '=', found '" + printable(String.valueOf(c)) + "'");
			}
		}
	}

	private static boolean isBase64(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
				|| c == '-' || c == '_';
	}

	private static String stripPadding(String digest) {
		int end = digest.length();
		while (end > 0 && digest.charAt(end - 1) == '=') {
			end--;
		}
		return digest.substring(0, end);
	}

	private static String printable(String s) {
		StringBuilder out = new StringBuilder();
		int max = Math.min(s.length(), 80);
		for (int i = 0; i < max; i++) {
			char c = s.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return (s.length() > max) ? out + "..." : out.toString();
	}

}
