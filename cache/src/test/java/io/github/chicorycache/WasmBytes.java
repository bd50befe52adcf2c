package io.github.chicorycache;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Bytes of WebAssembly's binary format put together by hand, for tests that forge or
 * tamper with modules and meta parts.
 */
public final class WasmBytes {

	private WasmBytes() {
	}

	/**
	 * Returns a section: its id, the length of its contents, its contents.
	 * @param id the section id
	 * @param contents the contents
	 * @return the section
	 */
	public static byte[] section(int id, byte[] contents) {
		return concat(new byte[] { (byte) id }, leb(contents.length), contents);
	}

	/**
	 * Returns a custom section.
	 * @param name its name
	 * @param payload what it holds after its name
	 * @return the section
	 */
	public static byte[] customSection(String name, String payload) {
		return section(0, customContents(name, payload));
	}

	/**
	 * Returns the contents of a custom section: its name, then its payload.
	 * @param name the name
	 * @param payload what follows the name
	 * @return the contents
	 */
	public static byte[] customContents(String name, String payload) {
		byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
		return concat(leb(bytes.length), bytes, payload.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Returns an unsigned LEB128 number.
	 * @param value the number
	 * @return its bytes
	 */
	public static byte[] leb(long value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		long rest = value;
		while ((rest & ~0x7FL) != 0) {
			out.write((int) ((rest & 0x7F) | 0x80));
			rest >>>= 7;
		}
		out.write((int) rest);
		return out.toByteArray();
	}

	/**
	 * Returns byte arrays one after the other.
	 * @param parts the arrays
	 * @return their concatenation
	 */
	public static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
