package io.github.chicorycache.compiler;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import com.dylibso.chicory.wasm.Encoding;

/**
 * Not API: where the sections of WASM bytes are, found by reading only their headers (no
 * decoding, no copy), so that a module can be put together from the sections of others.
 */
final class WasmSections {

	/**
	 * Length of the module header: magic number and version.
	 */
	static final int HEADER = 8;

	private WasmSections() {
	}

	/**
	 * Returns the sections of module bytes, after the header.
	 * @param bytes the module bytes
	 * @return the sections in order
	 * @throws IllegalArgumentException if a section header is malformed or a section
	 * overruns the bytes
	 */
	static List<Section> ofModule(byte[] bytes) {
		if (bytes.length < HEADER) {
			throw new IllegalArgumentException("not a module: " + bytes.length + " bytes");
		}
		return of(bytes, HEADER);
	}

	/**
	 * Returns the sections of a sequence of sections without header.
	 * @param bytes the bytes
	 * @param offset where the first section starts
	 * @return the sections in order
	 * @throws IllegalArgumentException if a section header is malformed or a section
	 * overruns the bytes
	 */
	static List<Section> of(byte[] bytes, int offset) {
		List<Section> sections = new ArrayList<>();
		ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
		while (buffer.hasRemaining()) {
			int start = buffer.position();
			int id = buffer.get() & 0xFF;
			long size;
			try {
				size = Encoding.readVarUInt32(buffer);
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("malformed section header at " + start, ex);
			}
			int contents = buffer.position();
			if (size > buffer.remaining()) {
				throw new IllegalArgumentException("section " + id + " at " + start + " overruns the bytes");
			}
			sections.add(new Section(id, start, contents, contents + (int) size));
			buffer.position(contents + (int) size);
		}
		return sections;
	}

	/**
	 * Reads an unsigned LEB128 number of at most 32 bits, as the binary format encodes
	 * sizes and counts.
	 * @param buffer where to read it
	 * @return the number
	 * @throws ArithmeticException if it does not fit an {@code int}
	 * @throws RuntimeException (Chicory's) if it is malformed
	 */
	static int readVarUInt32(ByteBuffer buffer) {
		return Math.toIntExact(Encoding.readVarUInt32(buffer));
	}

	/**
	 * One section.
	 *
	 * @param id the section id
	 * @param start where its header starts
	 * @param contentsStart where its contents start
	 * @param end where it ends
	 */
	record Section(int id, int start, int contentsStart, int end) {

		int length() {
			return this.end - this.start;
		}

	}

}
