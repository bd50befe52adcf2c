package io.github.chicorycache.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small, dependency-free writer of valid WebAssembly 1.0 binary modules for tests.
 * <p>
 * Every module is built from scratch with correct LEB128 encoding (unsigned for sizes,
 * counts and indices, signed for {@code i32.const} operands), so section and body sizes
 * of any length are encoded properly. The output is deterministic: the same arguments
 * always give the same bytes, hence the same Chicory {@code WasmModule.digest()}.
 * <p>
 * All modules are verified by {@code WasmModuleWriterTests} against Chicory (parser,
 * interpreter and compiler).
 */
public final class WasmModuleWriter {

	/** Largest accepted function count of {@link #functions(int, int)}. */
	public static final int MAX_FUNCTIONS = 1_000_000;

	private static final byte[] HEADER = { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 };

	private static final int SECTION_TYPE = 1;

	private static final int SECTION_FUNCTION = 3;

	private static final int SECTION_MEMORY = 5;

	private static final int SECTION_EXPORT = 7;

	private static final int SECTION_CODE = 10;

	private static final int FUNC_TYPE = 0x60;

	private static final int I32 = 0x7F;

	private static final int EXPORT_FUNC = 0x00;

	private static final int EXPORT_MEMORY = 0x02;

	private static final int BLOCK = 0x02;

	private static final int LOOP = 0x03;

	private static final int BLOCK_TYPE_EMPTY = 0x40;

	private static final int BR = 0x0C;

	private static final int BR_IF = 0x0D;

	private static final int END = 0x0B;

	private static final int LOCAL_GET = 0x20;

	private static final int LOCAL_SET = 0x21;

	private static final int I32_LOAD8_U = 0x2D;

	private static final int I32_CONST = 0x41;

	private static final int I32_EQ = 0x46;

	private static final int I32_GE_U = 0x4F;

	private static final int I32_ADD = 0x6A;

	private static final int I32_OR = 0x72;

	private static final int SIMD_PREFIX = 0xFD;

	private static final int V128_CONST = 0x0C;

	private static final int I32X4_EXTRACT_LANE = 0x1B;

	private WasmModuleWriter() {
	}

	/**
	 * The export name of function {@code index} in {@link #functions(int, int)}.
	 * @param index the function index
	 * @return {@code "f" + index}
	 */
	public static String exportName(int index) {
		return "f" + index;
	}

	/**
	 * A module of {@code count} functions sharing one type, function {@code i} exported
	 * as {@code f}<i>i</i> and returning its argument plus {@code i + seed} (32-bit
	 * wrapping arithmetic). Each {@code (count, seed)} pair gives distinct bytes, hence a
	 * distinct digest. Equivalent WAT, for {@code count = 2, seed = 7}: <pre>
	 * (module
	 *   (type (func (param i32) (result i32)))
	 *   (func (export "f0") (type 0) (param i32) (result i32)
	 *     local.get 0
	 *     i32.const 7
	 *     i32.add)
	 *   (func (export "f1") (type 0) (param i32) (result i32)
	 *     local.get 0
	 *     i32.const 8
	 *     i32.add))
	 * </pre> Sections are written in the binary order type, function, export, code. Large
	 * counts (tens of thousands) are fine; Chicory's compiler then splits the functions
	 * over several {@code FuncGroup} classes (12,288 functions per class by default).
	 * @param count the number of functions, from 1 to {@link #MAX_FUNCTIONS}
	 * @param seed added to every constant, to vary the module
	 * @return the module bytes
	 * @throws IllegalArgumentException if {@code count} is out of range
	 */
	public static byte[] functions(int count, int seed) {
		if (count < 1 || count > MAX_FUNCTIONS) {
			throw new IllegalArgumentException("count must be between 1 and " + MAX_FUNCTIONS + " but was " + count);
		}
		Bytes types = new Bytes().u32(1).functionType(new int[] { I32 }, new int[] { I32 });
		Bytes functions = new Bytes().u32(count);
		Bytes exports = new Bytes().u32(count);
		Bytes code = new Bytes().u32(count);
		for (int i = 0; i < count; i++) {
			functions.u32(0);
			exports.name(exportName(i)).u8(EXPORT_FUNC).u32(i);
			Bytes body = new Bytes().u32(0) // no locals
				.u8(LOCAL_GET)
				.u32(0)
				.u8(I32_CONST)
				.s32(i + seed)
				.u8(I32_ADD)
				.u8(END);
			code.u32(body.size()).bytes(body);
		}
		return module(new Bytes().section(SECTION_TYPE, types)
			.section(SECTION_FUNCTION, functions)
			.section(SECTION_EXPORT, exports)
			.section(SECTION_CODE, code));
	}

	/**
	 * A module in the spirit of Chicory's {@code count_vowels} demo: it exports a memory
	 * {@code "memory"} of one page and a function {@code count_vowels(ptr, len)} that
	 * counts the ASCII vowels {@code aeiouAEIOU} among the bytes
	 * {@code memory[ptr, ptr + len)}. Write the text first, for example with Chicory's
	 * {@code instance.memory().writeString(0, text)} (UTF-8), then call
	 * {@code count_vowels(0, byteLength)}. Each byte is lower-cased with {@code | 0x20},
	 * which maps exactly {@code A E I O U} (and nothing else) onto {@code a e i o u}.
	 * Equivalent WAT: <pre>
	 * (module
	 *   (memory (export "memory") 1)
	 *   (func (export "count_vowels") (param $ptr i32) (param $len i32) (result i32)
	 *     (local $end i32) (local $count i32) (local $c i32)
	 *     local.get $ptr
	 *     local.get $len
	 *     i32.add
	 *     local.set $end
	 *     block $done
	 *       loop $next
	 *         local.get $ptr
	 *         local.get $end
	 *         i32.ge_u
	 *         br_if $done
	 *         local.get $ptr
	 *         i32.load8_u
	 *         i32.const 32
	 *         i32.or
	 *         local.set $c
	 *         local.get $count
	 *         local.get $c  i32.const 97  i32.eq      ;; 'a'
	 *         local.get $c  i32.const 101 i32.eq  i32.or  ;; 'e'
	 *         local.get $c  i32.const 105 i32.eq  i32.or  ;; 'i'
	 *         local.get $c  i32.const 111 i32.eq  i32.or  ;; 'o'
	 *         local.get $c  i32.const 117 i32.eq  i32.or  ;; 'u'
	 *         i32.add
	 *         local.set $count
	 *         local.get $ptr
	 *         i32.const 1
	 *         i32.add
	 *         local.set $ptr
	 *         br $next
	 *       end
	 *     end
	 *     local.get $count))
	 * </pre>
	 * @return the module bytes
	 */
	public static byte[] countVowels() {
		int ptr = 0;
		int len = 1;
		int end = 2;
		int count = 3;
		int c = 4;
		Bytes types = new Bytes().u32(1).functionType(new int[] { I32, I32 }, new int[] { I32 });
		Bytes functions = new Bytes().u32(1).u32(0);
		Bytes memory = new Bytes().u32(1).u8(0x00).u32(1); // limits: min 1 page, no max
		Bytes exports = new Bytes().u32(2)
			.name("memory")
			.u8(EXPORT_MEMORY)
			.u32(0)
			.name("count_vowels")
			.u8(EXPORT_FUNC)
			.u32(0);
		Bytes body = new Bytes().u32(1).u32(3).u8(I32); // locals: 3 x i32 ($end, $count,
														// $c)
		body.u8(LOCAL_GET).u32(ptr).u8(LOCAL_GET).u32(len).u8(I32_ADD).u8(LOCAL_SET).u32(end);
		body.u8(BLOCK).u8(BLOCK_TYPE_EMPTY);
		body.u8(LOOP).u8(BLOCK_TYPE_EMPTY);
		body.u8(LOCAL_GET).u32(ptr).u8(LOCAL_GET).u32(end).u8(I32_GE_U).u8(BR_IF).u32(1);
		body.u8(LOCAL_GET).u32(ptr).u8(I32_LOAD8_U).u32(0).u32(0); // memarg: align 0,
																	// offset 0
		body.u8(I32_CONST).s32(0x20).u8(I32_OR).u8(LOCAL_SET).u32(c);
		body.u8(LOCAL_GET).u32(count);
		int[] vowels = { 'a', 'e', 'i', 'o', 'u' };
		for (int i = 0; i < vowels.length; i++) {
			body.u8(LOCAL_GET).u32(c).u8(I32_CONST).s32(vowels[i]).u8(I32_EQ);
			if (i > 0) {
				body.u8(I32_OR);
			}
		}
		body.u8(I32_ADD).u8(LOCAL_SET).u32(count);
		body.u8(LOCAL_GET).u32(ptr).u8(I32_CONST).s32(1).u8(I32_ADD).u8(LOCAL_SET).u32(ptr);
		body.u8(BR).u32(0);
		body.u8(END); // loop
		body.u8(END); // block
		body.u8(LOCAL_GET).u32(count);
		body.u8(END); // function
		Bytes code = new Bytes().u32(1).u32(body.size()).bytes(body);
		return module(new Bytes().section(SECTION_TYPE, types)
			.section(SECTION_FUNCTION, functions)
			.section(SECTION_MEMORY, memory)
			.section(SECTION_EXPORT, exports)
			.section(SECTION_CODE, code));
	}

	/**
	 * A tiny module using the SIMD (fixed-width vector) proposal: its single function,
	 * exported as {@code "first_lane"}, returns lane 0 of a {@code v128.const}, that is
	 * {@code 1}. Equivalent WAT: <pre>
	 * (module
	 *   (func (export "first_lane") (result i32)
	 *     v128.const i32x4 1 2 3 4
	 *     i32x4.extract_lane 0))
	 * </pre> Behaviour with Chicory 1.7.5 (verified by {@code WasmModuleWriterTests}):
	 * <ul>
	 * <li>{@code Parser.parse} accepts it (the parser and validator know the SIMD
	 * opcodes) and computes a digest;</li>
	 * <li>{@code MachineFactoryCompiler.compile(module)} and
	 * {@code MachineFactoryCompiler.builder(module).compile()} throw
	 * {@code com.dylibso.chicory.wasm.ChicoryException} with the message
	 * {@code "Unhandled opcode: V128_CONST"} (raised by the compiler's
	 * {@code WasmAnalyzer} while compiling the function), whatever the
	 * {@code InterpreterFallback} mode (that fallback only covers functions too large for
	 * a JVM method); a configured {@code Cache} is then consulted with {@code get} but
	 * never receives {@code putIfAbsent}. With
	 * {@code withMachineFactory(MachineFactoryCompiler::compile)} the same exception
	 * comes from {@code Instance.Builder.build()};</li>
	 * <li>the default interpreter ({@code Instance.builder(module).build()}) instantiates
	 * it, but calling {@code first_lane} throws a plain {@code RuntimeException}
	 * ({@code "Machine doesn't recognize Instruction ... V128_CONST ..."}): running SIMD
	 * needs Chicory's separate {@code simd} module.</li>
	 * </ul>
	 * Use it to test that compile failures are propagated and never cached.
	 * @return the module bytes
	 */
	public static byte[] simd() {
		Bytes types = new Bytes().u32(1).functionType(new int[0], new int[] { I32 });
		Bytes functions = new Bytes().u32(1).u32(0);
		Bytes exports = new Bytes().u32(1).name("first_lane").u8(EXPORT_FUNC).u32(0);
		Bytes body = new Bytes().u32(0).u8(SIMD_PREFIX).u32(V128_CONST);
		for (int lane = 1; lane <= 4; lane++) {
			// little-endian i32 lanes
			body.u8(lane).u8(0).u8(0).u8(0);
		}
		body.u8(SIMD_PREFIX).u32(I32X4_EXTRACT_LANE).u8(0).u8(END);
		Bytes code = new Bytes().u32(1).u32(body.size()).bytes(body);
		return module(new Bytes().section(SECTION_TYPE, types)
			.section(SECTION_FUNCTION, functions)
			.section(SECTION_EXPORT, exports)
			.section(SECTION_CODE, code));
	}

	private static byte[] module(Bytes sections) {
		return new Bytes().raw(HEADER).bytes(sections).toByteArray();
	}

	/**
	 * Growable byte buffer with the WebAssembly binary encodings.
	 */
	static final class Bytes {

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		/**
		 * Writes one byte.
		 * @param value the byte, only the low 8 bits are used
		 * @return this
		 */
		Bytes u8(int value) {
			this.out.write(value);
			return this;
		}

		/**
		 * Writes an unsigned LEB128 {@code u32}.
		 * @param value the value, interpreted as unsigned
		 * @return this
		 */
		Bytes u32(int value) {
			int remaining = value;
			while ((remaining & ~0x7F) != 0) {
				this.out.write((remaining & 0x7F) | 0x80);
				remaining >>>= 7;
			}
			this.out.write(remaining);
			return this;
		}

		/**
		 * Writes a signed LEB128 {@code s32}.
		 * @param value the value
		 * @return this
		 */
		Bytes s32(int value) {
			int remaining = value;
			while (true) {
				int b = remaining & 0x7F;
				remaining >>= 7;
				boolean done = (remaining == 0 && (b & 0x40) == 0) || (remaining == -1 && (b & 0x40) != 0);
				if (done) {
					this.out.write(b);
					return this;
				}
				this.out.write(b | 0x80);
			}
		}

		/**
		 * Writes a name: its UTF-8 length as {@code u32}, then its UTF-8 bytes.
		 * @param name the name
		 * @return this
		 */
		Bytes name(String name) {
			byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
			return u32(utf8.length).raw(utf8);
		}

		/**
		 * Writes a function type {@code 0x60 vec(params) vec(results)}.
		 * @param params the parameter value types
		 * @param results the result value types
		 * @return this
		 */
		Bytes functionType(int[] params, int[] results) {
			u8(FUNC_TYPE).u32(params.length);
			for (int param : params) {
				u8(param);
			}
			u32(results.length);
			for (int result : results) {
				u8(result);
			}
			return this;
		}

		/**
		 * Writes a section: its id, its content size as {@code u32}, then its content.
		 * @param id the section id
		 * @param content the section content
		 * @return this
		 */
		Bytes section(int id, Bytes content) {
			return u8(id).u32(content.size()).bytes(content);
		}

		Bytes bytes(Bytes other) {
			this.out.writeBytes(other.toByteArray());
			return this;
		}

		Bytes raw(byte[] bytes) {
			this.out.writeBytes(bytes);
			return this;
		}

		int size() {
			return this.out.size();
		}

		byte[] toByteArray() {
			return this.out.toByteArray();
		}

	}

}
