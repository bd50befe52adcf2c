package io.github.chicorycache.compiler;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

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

	/**
	 * How many bytes a JVM hashes with {@link Sha256} before it turns to the JDK's
	 * SHA-256: enough for the modules an application loads as it starts.
	 */
	static final long STARTUP_BYTES = 16L * 1024 * 1024;

	private static final AtomicLong startupBytesLeft = new AtomicLong(STARTUP_BYTES);

	private ModuleDigest() {
	}

	/**
	 * Takes bytes of a length from what is left of {@link #STARTUP_BYTES}, if that is
	 * enough: whether to hash them with {@link Sha256} rather than with the JDK's
	 * {@code MessageDigest}, that is, whether the JVM is still starting, as measured by
	 * what it has hashed so far. In a fresh JVM the JDK's first SHA-256 sets up the
	 * security providers and runs interpreted until the JIT compiles it, which costs more
	 * than {@code Sha256} (46–62 ms against about 20 ms for 1 MB); once compiled to the
	 * CPU's SHA instructions it is 5 to 7 times as fast (3.6 ms against 24 ms for 5.6
	 * MB), which a running application that loads modules or reuses them by their bytes
	 * should have.
	 */
	static boolean take(AtomicLong budget, int length) {
		long left = budget.get();
		while (length <= left) {
			if (budget.compareAndSet(left, left - length)) {
				return true;
			}
			left = budget.get();
		}
		return false;
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
		return of(bytes, algorithm, "SHA-256".equalsIgnoreCase(algorithm) && take(startupBytesLeft, bytes.length));
	}

	/**
	 * Returns the digest of module bytes.
	 * @param bytes the module bytes
	 * @param algorithm the parser's algorithm, not {@code none}
	 * @param plain whether to hash with {@link Sha256} (the algorithm being SHA-256)
	 * @return the digest, or {@code null} if the JDK has no such algorithm
	 */
	static @Nullable String of(byte[] bytes, String algorithm, boolean plain) {
		try {
			byte[] digest = plain ? Sha256.digest(bytes) : MessageDigest.getInstance(algorithm).digest(bytes);
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
