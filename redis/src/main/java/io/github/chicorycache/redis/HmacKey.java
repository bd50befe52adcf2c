package io.github.chicorycache.redis;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A shared secret that signs and verifies entries with HMAC-SHA256. The MAC key and the
 * key id are both derived from the secret with HMAC under distinct labels, so the id
 * names the secret without revealing anything about the MAC key.
 */
final class HmacKey implements EntrySigner, EntryVerifier {

	/**
	 * The shortest secret accepted: 256 bits, the strength of HMAC-SHA256.
	 */
	static final int MIN_SECRET_BYTES = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private final SecretKeySpec key;

	private final String keyId;

	HmacKey(byte[] secret) {
		if (secret.length < MIN_SECRET_BYTES) {
			throw new IllegalArgumentException(
					"A secret must be at least " + MIN_SECRET_BYTES + " bytes long, was " + secret.length + " bytes");
		}
		SecretKeySpec master = new SecretKeySpec(secret, ALGORITHM);
		this.key = new SecretKeySpec(mac(master, "chicory-cache redis entry mac v1"), ALGORITHM);
		this.keyId = "hmac-" + HexFormat.of().formatHex(mac(master, "chicory-cache redis key id v1"), 0, 8);
	}

	@Override
	public String keyId() {
		return this.keyId;
	}

	@Override
	public int algorithm() {
		return HMAC_SHA256;
	}

	@Override
	public byte[] sign(byte[] message) {
		return mac(this.key, message);
	}

	@Override
	public boolean verify(byte[] message, byte[] signature) {
		return MessageDigest.isEqual(sign(message), signature);
	}

	private static byte[] mac(SecretKeySpec key, String label) {
		return mac(key, label.getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] mac(SecretKeySpec key, byte[] message) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return mac.doFinal(message);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "HMAC-SHA256 key " + this.keyId;
	}

}
