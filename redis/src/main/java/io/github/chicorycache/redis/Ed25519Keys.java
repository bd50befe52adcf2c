package io.github.chicorycache.redis;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads, writes and generates the Ed25519 keys of a publish/verify split: the publisher
 * (a CI or warm-up job) holds the private key, every other instance the public key only.
 * Keys are PEM ({@code -----BEGIN PUBLIC KEY-----} X.509, {@code -----BEGIN PRIVATE
 * KEY-----} PKCS#8, as {@code openssl genpkey -algorithm ed25519} writes them) or the
 * bare Base64 of the same DER bytes.
 */
public final class Ed25519Keys {

	private static final String ALGORITHM = "Ed25519";

	private Ed25519Keys() {
	}

	/**
	 * Generates a key pair.
	 * @return the key pair
	 */
	public static KeyPair generate() {
		try {
			return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Ed25519 is not available in this JDK", ex);
		}
	}

	/**
	 * Reads a public key.
	 * @param text the PEM, or the Base64 of the X.509 encoding
	 * @return the key
	 * @throws IllegalArgumentException if the text is not an Ed25519 public key
	 */
	public static PublicKey publicKey(String text) {
		try {
			return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(text, "PUBLIC KEY")));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("Not an Ed25519 public key (PEM or Base64 X.509 expected)", ex);
		}
	}

	/**
	 * Reads a private key.
	 * @param text the PEM, or the Base64 of the PKCS#8 encoding
	 * @return the key
	 * @throws IllegalArgumentException if the text is not an Ed25519 private key
	 */
	public static PrivateKey privateKey(String text) {
		try {
			return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(text, "PRIVATE KEY")));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			// Never include the text: it is a secret.
			throw new IllegalArgumentException("Not an Ed25519 private key (PEM or Base64 PKCS#8 expected)");
		}
	}

	/**
	 * Returns whether a private key belongs to a public key.
	 * @param privateKey the private key
	 * @param publicKey the public key
	 * @return whether the public key verifies what the private key signs
	 */
	public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
		try {
			new Ed25519Key(publicKey, privateKey);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Writes a public key as PEM.
	 * @param key the key
	 * @return the PEM text
	 */
	public static String pem(PublicKey key) {
		return pem("PUBLIC KEY", key.getEncoded());
	}

	/**
	 * Writes a private key as PEM.
	 * @param key the key
	 * @return the PEM text
	 */
	public static String pem(PrivateKey key) {
		return pem("PRIVATE KEY", key.getEncoded());
	}

	private static String pem(String label, byte[] der) {
		return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + label + "-----\n";
	}

	private static byte[] der(String text, String label) {
		String body = text.replace("-----BEGIN " + label + "-----", "").replace("-----END " + label + "-----", "");
		return Base64.getMimeDecoder().decode(body.strip());
	}

}
