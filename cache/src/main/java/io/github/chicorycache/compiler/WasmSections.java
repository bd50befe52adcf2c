package io.github.chicorycache.compiler;

import java.util.ArrayList;
import java.util.List;

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
		int position = offset;
		while (position < bytes.length) {
			int start = position;
			int id = bytes[position++] & 0xFF;
			long size = 0;
			for (int shift = 0;; shift += 7) {
				if (position >= bytes.length || shift > 28) {
					throw new IllegalArgumentException("malformed section header at " + start);
				}
				byte b = bytes[position++];
				size |= (long) (b & 0x7F) << shift;
				if ((b & 0x80) == 0) {
					break;
				}
			}
			if (size > bytes.length - position) {
				throw new IllegalArgumentException("section " + id + " at " + start + " overruns the bytes");
			}
			sections.add(new Section(id, start, position, position + (int) size));
			position += (int) size;
		}
		return sections;
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
