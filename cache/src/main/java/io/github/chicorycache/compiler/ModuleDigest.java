package io.github.chicorycache.compiler;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

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

	private ModuleDigest() {
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
			byte[] digest = MessageDigest.getInstance(algorithm).digest(bytes);
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
