package io.github.chicorycache.redis;

/**
 * A key that signs the header of the entries an instance publishes.
 */
interface EntrySigner {

	/**
	 * Returns the id of this key, which the verifying side looks up.
	 * @return the key id
	 */
	String keyId();

	/**
	 * Returns the algorithm code ({@link EntryVerifier#HMAC_SHA256} or
	 * {@link EntryVerifier#ED25519}).
	 * @return the algorithm code
	 */
	int algorithm();

	/**
	 * Signs bytes.
	 * @param message the bytes
	 * @return the signature
	 */
	byte[] sign(byte[] message);

}
