package io.github.chicorycache.compiler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Set;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmWriter;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.SectionId;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the code section of a {@link MetaModule}: made from the module's code section
 * by replacing the body of each compiled function with a stub
 * ({@code 0 locals; unreachable; end}), and decoded on a hit without Chicory's parser
 * going through every stub: all stubs are one body, decoded once per JVM, and only the
 * bodies kept for the interpreter are decoded by the parser. A fresh JVM decodes a stub
 * in about 15 µs, which for a module of thousands of functions was a tenth of its warm
 * start.
 */
final class MetaCode {

	private static final byte UNREACHABLE = 0x00;

	private static final byte END = 0x0B;

	/**
	 * The body of a compiled function in a meta module: no locals, unreachable, end.
	 */
	private static final byte[] STUB = { 0x00, UNREACHABLE, END };

	private MetaCode() {
	}

	/**
	 * Makes the contents of the stubbed code section from a module's code section.
	 * @param bytes the module bytes
	 * @param start where the contents of its code section start
	 * @param end where its code section ends
	 * @param functionImports the number of imported functions (compiled functions are
	 * numbered after them)
	 * @param interpretedFunctions the functions whose bodies are kept
	 * @return the contents of the stubbed code section
	 */
	static byte[] stubbed(byte[] bytes, int start, int end, int functionImports, Set<Integer> interpretedFunctions) {
		ByteBuffer source = ByteBuffer.wrap(bytes, start, end - start);
		ByteArrayOutputStream out = new ByteArrayOutputStream(64 + (end - start) / 8);
		int count = WasmSections.readVarUInt32(source);
		WasmWriter.writeVarUInt32(out, count);
		for (int i = 0; i < count; i++) {
			int size = WasmSections.readVarUInt32(source);
			if (interpretedFunctions.contains(functionImports + i)) {
				WasmWriter.writeVarUInt32(out, size);
				out.write(bytes, source.position(), size);
			}
			else {
				WasmWriter.writeVarUInt32(out, STUB.length);
				out.writeBytes(STUB);
			}
			source.position(source.position() + size);
		}
		return out.toByteArray();
	}

	/**
	 * Checks that the code section of a meta part is one made from the module bytes, and
	 * decodes it. The check: as many bodies as the module's, each the stub or the
	 * module's body unchanged. A meta module is parsed without validation unless a kept
	 * body needs what the validator writes ({@link ValidatorHints}), so this is what
	 * keeps code that was never validated (which the parser may take ages, or all the
	 * memory, to decode, or which the interpreter would run) out of it; it compares bytes
	 * and decodes nothing.
	 * @param bytes the module bytes
	 * @param types the module's type section, which kept bodies may refer to, or
	 * {@code null} if it has none
	 * @param original the module's code section
	 * @param part the meta part
	 * @param partCode the code section of the meta part
	 * @return the code section, as Chicory's parser decodes it from the meta part
	 * @throws IllegalArgumentException if the meta part's code section is not one made
	 * from the module's
	 */
	static CodeSection decode(byte[] bytes, WasmSections.@Nullable Section types, WasmSections.Section original,
			byte[] part, WasmSections.Section partCode) {
		ByteBuffer source = ByteBuffer.wrap(bytes, original.contentsStart(), original.end() - original.contentsStart());
		ByteBuffer meta = ByteBuffer.wrap(part, partCode.contentsStart(), partCode.end() - partCode.contentsStart());
		int count = WasmSections.readVarUInt32(source);
		if (WasmSections.readVarUInt32(meta) != count) {
			throw new IllegalArgumentException("the meta part has another number of function bodies than the module");
		}
		BitSet kept = new BitSet();
		ByteArrayOutputStream keptBodies = new ByteArrayOutputStream();
		for (int i = 0; i < count; i++) {
			int size = WasmSections.readVarUInt32(source);
			int metaSize = WasmSections.readVarUInt32(meta);
			if (size < 0 || size > source.remaining() || metaSize < 0 || metaSize > meta.remaining()) {
				throw new IllegalArgumentException("function body " + i + " overruns its code section");
			}
			boolean stub = metaSize == STUB.length
					&& Arrays.equals(part, meta.position(), meta.position() + metaSize, STUB, 0, STUB.length);
			if (!stub) {
				if (metaSize != size || !Arrays.equals(part, meta.position(), meta.position() + metaSize, bytes,
						source.position(), source.position() + size)) {
					throw new IllegalArgumentException(
							"function body " + i + " of the meta part is neither a stub nor the module's body");
				}
				kept.set(i);
				WasmWriter.writeVarUInt32(keptBodies, size);
				keptBodies.write(bytes, source.position(), size);
			}
			source.position(source.position() + size);
			meta.position(meta.position() + metaSize);
		}
		if (meta.hasRemaining()) {
			throw new IllegalArgumentException("the code section of the meta part has trailing bytes");
		}
		CodeSection keptSection = (kept.isEmpty()) ? null : decodeKept(bytes, types, kept.cardinality(), keptBodies);
		CodeSection.Builder section = CodeSection.builder();
		for (int i = 0, next = 0; i < count; i++) {
			section.addFunctionBody(kept.get(i) ? keptSection.getFunctionBody(next++) : StubBody.BODY);
		}
		// Set by the parser when a body uses the data count (no stub does).
		section.setRequiresDataCount(keptSection != null && keptSection.isRequiresDataCount());
		return section.build();
	}

	/**
	 * Returns whether a body of a code section made by {@link #decode} is a stub.
	 * @param body the body
	 * @return whether it is the stub that stands for every compiled function
	 */
	static boolean isStub(FunctionBody body) {
		return body == StubBody.BODY;
	}

	/**
	 * Decodes the kept bodies with Chicory's parser, from a module of the type section
	 * and a code section of those bodies only: the parser decodes a body with the types
	 * and nothing else of the module.
	 */
	private static CodeSection decodeKept(byte[] bytes, WasmSections.@Nullable Section types, int keptCount,
			ByteArrayOutputStream keptBodies) {
		WasmWriter module = new WasmWriter();
		if (types != null) {
			module.writeSection(SectionId.TYPE, Arrays.copyOfRange(bytes, types.contentsStart(), types.end()));
		}
		ByteArrayOutputStream code = new ByteArrayOutputStream(keptBodies.size() + 5);
		WasmWriter.writeVarUInt32(code, keptCount);
		code.writeBytes(keptBodies.toByteArray());
		module.writeSection(SectionId.CODE, code.toByteArray());
		CodeSection[] decoded = new CodeSection[1];
		Parser.builder().withValidation(false).build().parse(new ByteArrayInputStream(module.bytes()), (parsed) -> {
			if (parsed instanceof CodeSection codeSection) {
				decoded[0] = codeSection;
			}
		});
		if (decoded[0] == null || decoded[0].functionBodyCount() != keptCount) {
			throw new IllegalArgumentException("the kept function bodies of the meta part cannot be decoded");
		}
		return decoded[0];
	}

	/**
	 * The stub body as Chicory's parser decodes it, decoded once per JVM from a module of
	 * one stubbed function.
	 */
	private static final class StubBody {

		static final FunctionBody BODY = ModuleParser.parse(module(), null, false).codeSection().getFunctionBody(0);

		/**
		 * A module of one function of type {@code () -> ()}, stubbed.
		 */
		private static byte[] module() {
			WasmWriter module = new WasmWriter();
			module.writeSection(SectionId.TYPE, new byte[] { 1, 0x60, 0, 0 });
			module.writeSection(SectionId.FUNCTION, new byte[] { 1, 0 });
			module.writeSection(SectionId.CODE, new byte[] { 1, (byte) STUB.length, STUB[0], STUB[1], STUB[2] });
			return module.bytes();
		}

	}

}
