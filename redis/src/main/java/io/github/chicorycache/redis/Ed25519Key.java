package io.github.chicorycache.redis;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * An Ed25519 key pair half: a public key verifies, a public key with its private key also
 * signs. The key id is derived from the public key, so a verifier finds the key of an
 * entry without configuration.
 */
final class Ed25519Key implements EntrySigner, EntryVerifier {

	private static final String ALGORITHM = "Ed25519";

	private final PublicKey publicKey;

	private final @Nullable PrivateKey privateKey;

	private final String keyId;

	Ed25519Key(PublicKey publicKey, @Nullable PrivateKey privateKey) {
		if (!ALGORITHM.equals(publicKey.getAlgorithm()) && !"EdDSA".equals(publicKey.getAlgorithm())) {
			throw new IllegalArgumentException("Expected an Ed25519 public key, got " + publicKey.getAlgorithm());
		}
		this.publicKey = publicKey;
		this.privateKey = privateKey;
		this.keyId = keyId(publicKey);
		byte[] probe = this.keyId.getBytes(StandardCharsets.US_ASCII);
		if (privateKey != null && !verify(probe, sign(probe))) {
			throw new IllegalArgumentException("The private key does not belong to the public key " + this.keyId);
		}
	}

	static String keyId(PublicKey publicKey) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
			return "ed25519-" + HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	@Override
	public String keyId() {
		return this.keyId;
	}

	@Override
	public int algorithm() {
		return ED25519;
	}

	@Override
	public byte[] sign(byte[] message) {
		PrivateKey key = this.privateKey;
		if (key == null) {
			throw new IllegalStateException("Key " + this.keyId + " can only verify");
		}
		try {
			Signature signature = Signature.getInstance(ALGORITHM);
			signature.initSign(key);
			signature.update(message);
			return signature.sign();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("Cannot sign with the Ed25519 private key: " + ex.getMessage(), ex);
		}
	}

	@Override
	public boolean verify(byte[] message, byte[] signature) {
		try {
			Signature verifier = Signature.getInstance(ALGORITHM);
			verifier.initVerify(this.publicKey);
			verifier.update(message);
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			// A malformed signature is an invalid one.
			return false;
		}
	}

	@Override
	public String toString() {
		return "Ed25519 key " + this.keyId;
	}

}
