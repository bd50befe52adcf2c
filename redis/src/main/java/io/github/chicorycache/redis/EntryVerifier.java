package io.github.chicorycache.redis;

/**
 * A key that checks the signature of an entry's header.
 */
interface EntryVerifier {

	/**
	 * Algorithm code of HMAC-SHA256 with a shared secret.
	 */
	int HMAC_SHA256 = 1;

	/**
	 * Algorithm code of Ed25519 signatures.
	 */
	int ED25519 = 2;

	/**
	 * Returns the id written into the entries this key signs: derived from the key, so
	 * that rotation needs no configuration of ids.
	 * @return the key id, printable ASCII of at most 64 characters
	 */
	String keyId();

	/**
	 * Returns the algorithm code.
	 * @return {@link #HMAC_SHA256} or {@link #ED25519}
	 */
	int algorithm();

	/**
	 * Checks a signature.
	 * @param message the signed bytes
	 * @param signature the signature
	 * @return whether the signature is valid for this key
	 */
	boolean verify(byte[] message, byte[] signature);

}
