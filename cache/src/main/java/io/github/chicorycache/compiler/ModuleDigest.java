package io.github.chicorycache.compiler;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

import io.github.chicorycache.internal.ChicoryInternals;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the digest of module bytes exactly as Chicory's parser computes it while
 * parsing ({@code WasmModule.digest()}), without parsing: same algorithm (the parser's
 * {@value ChicoryInternals#DIGEST_ALGORITHM_PROPERTY}), same format
 * ({@code sha-256:<standard padded base64>}). It is the module's cache key, so the cache
 * can be asked before the bytes are parsed.
 */
public final class ModuleDigest {

	/**
	 * The algorithms whose digests no one can make collide: SHA-2 and SHA-3 of at least
	 * 256 bits.
	 */
	private static final Set<String> COLLISION_RESISTANT = Set.of("SHA-256", "SHA-384", "SHA-512", "SHA-512/256",
			"SHA3-256", "SHA3-384", "SHA3-512");

	private ModuleDigest() {
	}

	/**
	 * Returns whether the digests of Chicory's parser prove which bytes they were
	 * computed from, so that bytes with the digest of an entry are the bytes that were
	 * validated and compiled for it, and a hit of {@code load} may skip decoding and
	 * validating them. True for the default, SHA-256; false if the parser was set to an
	 * algorithm whose collisions can be made (MD5, SHA-1), for which a hit parses the
	 * bytes in full.
	 * @return whether the digest stands for the bytes
	 */
	public static boolean provesBytes() {
		return provesBytes(ChicoryInternals.digestAlgorithm());
	}

	static boolean provesBytes(String algorithm) {
		return COLLISION_RESISTANT.contains(algorithm.toUpperCase(Locale.ROOT));
	}

	/**
	 * Returns the digest of module bytes.
	 * @param bytes the module bytes
	 * @return the digest, or {@code null} if the parser computes none (algorithm
	 * {@code none})
	 */
	public static @Nullable String of(byte[] bytes) {
		String algorithm = ChicoryInternals.digestAlgorithm();
		if ("none".equals(algorithm)) {
			return null;
		}
		try {
			// SHA-256, the default, without the JDK's: see Sha256 for why.
			byte[] digest = "SHA-256".equalsIgnoreCase(algorithm) ? Sha256.digest(bytes)
					: MessageDigest.getInstance(algorithm).digest(bytes);
			// The parser's own formatting, default locale included.
			return algorithm.toLowerCase(Locale.getDefault()).replace(":", "") + ":"
					+ Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			// The parser fails the same way; let it report it.
			return null;
		}
	}

}
