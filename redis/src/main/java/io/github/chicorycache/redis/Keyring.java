package io.github.chicorycache.redis;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The keys of one instance: at most one that signs what it publishes, and every key whose
 * entries it accepts, by key id. Without a signing key the instance is verify-only.
 */
final class Keyring {

	private final @Nullable EntrySigner signer;

	private final Map<String, EntryVerifier> verifiers;

	private Keyring(@Nullable EntrySigner signer, Map<String, EntryVerifier> verifiers) {
		this.signer = signer;
		this.verifiers = Map.copyOf(verifiers);
	}

	/**
	 * Builds the keyring of an instance.
	 * @param secret the shared secret that signs (HMAC-SHA256), or {@code null}
	 * @param previousSecrets secrets whose entries are still accepted (rotation)
	 * @param publicKeys the Ed25519 public keys whose entries are accepted
	 * @param privateKey the Ed25519 private key that signs, or {@code null}; its public
	 * key must be among {@code publicKeys}
	 * @return the keyring
	 * @throws IllegalArgumentException for a secret shorter than 32 bytes, two signing
	 * keys, a private key without its public key, or no key at all
	 */
	static Keyring of(byte @Nullable [] secret, List<byte[]> previousSecrets, List<PublicKey> publicKeys,
			@Nullable PrivateKey privateKey) {
		if (secret != null && privateKey != null) {
			throw new IllegalArgumentException(
					"Sign with either a shared secret (HMAC-SHA256) or an Ed25519 private key, not both");
		}
		Map<String, EntryVerifier> verifiers = new LinkedHashMap<>();
		EntrySigner signer = null;
		if (secret != null) {
			HmacKey key = new HmacKey(secret);
			signer = key;
			verifiers.put(key.keyId(), key);
		}
		for (byte[] previous : previousSecrets) {
			HmacKey key = new HmacKey(previous);
			verifiers.putIfAbsent(key.keyId(), key);
		}
		for (PublicKey publicKey : publicKeys) {
			Ed25519Key key = new Ed25519Key(publicKey, null);
			verifiers.putIfAbsent(key.keyId(), key);
		}
		if (privateKey != null) {
			signer = signerFor(privateKey, publicKeys);
		}
		if (verifiers.isEmpty()) {
			throw new IllegalArgumentException("A shared secret (at least " + HmacKey.MIN_SECRET_BYTES
					+ " bytes) or an Ed25519 public key is required to verify entries");
		}
		return new Keyring(signer, verifiers);
	}

	private static EntrySigner signerFor(PrivateKey privateKey, List<PublicKey> publicKeys) {
		for (PublicKey publicKey : publicKeys) {
			try {
				return new Ed25519Key(publicKey, privateKey);
			}
			catch (IllegalArgumentException ex) {
				// not this one's pair
			}
		}
		throw new IllegalArgumentException(
				"The Ed25519 private key must come with its public key (none of the public keys matches it)");
	}

	/**
	 * Returns the key that signs this instance's entries.
	 * @return the signer, or {@code null} for a verify-only instance
	 */
	@Nullable EntrySigner signer() {
		return this.signer;
	}

	/**
	 * Returns the key of an id.
	 * @param keyId the key id written in an entry
	 * @return the key, or {@code null} if the id is unknown here
	 */
	@Nullable EntryVerifier verifier(String keyId) {
		return this.verifiers.get(keyId);
	}

	@Override
	public String toString() {
		return "signs with " + ((this.signer != null) ? this.signer.keyId() : "nothing (verify-only)") + ", accepts "
				+ this.verifiers.keySet();
	}

}
