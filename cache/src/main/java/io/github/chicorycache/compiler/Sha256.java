package io.github.chicorycache.compiler;

/**
 * SHA-256 (FIPS 180-4) of a byte array, for the digest of module bytes while the JVM
 * starts ({@link ModuleDigest#take}) and the fingerprint of compiler options.
 * <p>
 * Why not {@code MessageDigest} there: in a fresh JVM, the first {@code getInstance} sets
 * up the security providers (12–22 ms measured), and the JDK's implementation then runs
 * interpreted through {@code VarHandle} reads until the JIT compiles it: 46–62 ms for a 1
 * MB module in all, against about 20 ms for this plain loop over {@code int}s, which the
 * JIT compiles after a few hundred blocks. The result is the same bytes; the tests
 * compare it with {@code MessageDigest} at every padding boundary and on real modules.
 */
final class Sha256 {

	private static final int BLOCK = 64;

	private static final int[] ROUND_CONSTANTS = { 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
			0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
			0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc,
			0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
			0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1,
			0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
			0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814,
			0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };

	private final int[] state = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
			0x5be0cd19 };

	private final int[] schedule = new int[64];

	private Sha256() {
	}

	/**
	 * Returns the SHA-256 of the given bytes.
	 * @param bytes the bytes
	 * @return the 32-byte digest
	 */
	static byte[] digest(byte[] bytes) {
		Sha256 sha = new Sha256();
		int whole = bytes.length / BLOCK;
		for (int block = 0; block < whole; block++) {
			sha.compress(bytes, block * BLOCK);
		}
		int rest = bytes.length - whole * BLOCK;
		// The rest, the 0x80 byte and the 8-byte bit length fill one block, or two if the
		// rest is 56 bytes or more.
		byte[] tail = new byte[(rest < BLOCK - 8) ? BLOCK : 2 * BLOCK];
		System.arraycopy(bytes, whole * BLOCK, tail, 0, rest);
		tail[rest] = (byte) 0x80;
		long bits = (long) bytes.length * Byte.SIZE;
		for (int i = 0; i < Long.BYTES; i++) {
			tail[tail.length - 1 - i] = (byte) (bits >>> (Byte.SIZE * i));
		}
		for (int offset = 0; offset < tail.length; offset += BLOCK) {
			sha.compress(tail, offset);
		}
		byte[] digest = new byte[32];
		for (int i = 0; i < sha.state.length; i++) {
			int word = sha.state[i];
			digest[4 * i] = (byte) (word >>> 24);
			digest[4 * i + 1] = (byte) (word >>> 16);
			digest[4 * i + 2] = (byte) (word >>> 8);
			digest[4 * i + 3] = (byte) word;
		}
		return digest;
	}

	private void compress(byte[] bytes, int offset) {
		int[] w = this.schedule;
		for (int i = 0; i < 16; i++) {
			int at = offset + 4 * i;
			w[i] = (bytes[at] << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
					| (bytes[at + 3] & 0xff);
		}
		for (int i = 16; i < 64; i++) {
			int x = w[i - 15];
			int y = w[i - 2];
			int s0 = Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3);
			int s1 = Integer.rotateRight(y, 17) ^ Integer.rotateRight(y, 19) ^ (y >>> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		int[] h = this.state;
		int a = h[0];
		int b = h[1];
		int c = h[2];
		int d = h[3];
		int e = h[4];
		int f = h[5];
		int g = h[6];
		int k = h[7];
		for (int i = 0; i < 64; i++) {
			int sum1 = Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
			int t1 = k + sum1 + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[i] + w[i];
			int sum0 = Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
			int t2 = sum0 + ((a & b) ^ (a & c) ^ (b & c));
			k = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + t2;
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += k;
	}

}
