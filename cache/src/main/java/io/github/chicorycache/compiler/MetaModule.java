package io.github.chicorycache.compiler;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.WasmWriter;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.RawSection;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the "meta" module stored in a cache entry beside the compiled classes, made
 * the way Chicory's build-time compiler makes its {@code .meta} module: every section
 * copied as it is, except that the body of each compiled function is replaced by
 * {@code unreachable} ({@code 0 locals; unreachable; end}). The bodies of the functions
 * the compiler left to the interpreter are kept. Compiled code never runs those bodies,
 * so the meta module with the entry's classes behaves as the original module; it is much
 * smaller to decode, and since the digest proves that the original bytes were validated
 * when the entry was made, it is parsed without validation.
 * <p>
 * A custom section {@value #MARKER} carries the digest of the original bytes. It tells
 * the meta module from another module's, and a meta module from a real one: compiling a
 * meta module would produce code that traps, so the compiler refuses to.
 */
public final class MetaModule {

	/**
	 * Name of the custom section that marks a meta module and holds the original digest.
	 */
	public static final String MARKER = "chicory-cache.meta";

	private static final byte UNREACHABLE = 0x00;

	private static final byte END = 0x0B;

	private MetaModule() {
	}

	/**
	 * Makes the meta module of validated module bytes.
	 * @param bytes the original module bytes
	 * @param digest the digest of the bytes
	 * @param functionImports the number of imported functions (compiled functions are
	 * numbered after them)
	 * @param interpretedFunctions the functions whose real bodies must be kept
	 * @return the meta module bytes
	 */
	public static byte[] create(byte[] bytes, String digest, int functionImports, Set<Integer> interpretedFunctions) {
		WasmWriter writer = new WasmWriter();
		Parser.parseWithoutDecoding(bytes, (section) -> {
			RawSection raw = (RawSection) section;
			if (raw.sectionId() == SectionId.CODE) {
				writer.writeSection(SectionId.CODE, stubbed(raw.contents(), functionImports, interpretedFunctions));
			}
			else {
				writer.writeSection(raw);
			}
		});
		writer.writeSection(SectionId.CUSTOM, marker(digest));
		return writer.bytes();
	}

	/**
	 * Parses a meta module, without validation, as the module of the original digest.
	 * @param meta the meta module bytes
	 * @param digest the digest of the original module, which the result carries
	 * @return the module
	 * @throws IllegalArgumentException if the meta module is not the one of this digest
	 * @throws RuntimeException (Chicory's) if it is malformed
	 */
	public static WasmModule parse(byte[] meta, String digest) {
		WasmModule parsed = ModuleParser.parse(meta, digest, false);
		String marked = markedDigest(parsed);
		if (!digest.equals(marked)) {
			throw new IllegalArgumentException("the meta module is "
					+ ((marked != null) ? "the one of " + marked : "not marked") + ", not the one of " + digest);
		}
		return parsed;
	}

	/**
	 * Returns whether a module was parsed from a meta module.
	 * @param module the module
	 * @return whether its compiled functions lack their bodies
	 */
	public static boolean isMeta(WasmModule module) {
		return module.customSection(MARKER) != null;
	}

	/**
	 * Returns the number of functions of a module, imported ones included.
	 * @param module the module
	 * @return the size of the function index space
	 */
	public static int functionCount(WasmModule module) {
		return module.importSection().count(ExternalType.FUNCTION) + module.functionSection().functionCount();
	}

	private static byte[] stubbed(byte[] code, int functionImports, Set<Integer> interpretedFunctions) {
		ByteBuffer source = ByteBuffer.wrap(code);
		ByteArrayOutputStream out = new ByteArrayOutputStream(64 + code.length / 8);
		int count = readVarUInt32(source);
		WasmWriter.writeVarUInt32(out, count);
		for (int i = 0; i < count; i++) {
			int size = readVarUInt32(source);
			if (interpretedFunctions.contains(functionImports + i)) {
				WasmWriter.writeVarUInt32(out, size);
				out.write(code, source.position(), size);
			}
			else {
				out.write(3); // body size
				out.write(0); // no locals
				out.write(UNREACHABLE);
				out.write(END);
			}
			source.position(source.position() + size);
		}
		return out.toByteArray();
	}

	private static byte[] marker(String digest) {
		byte[] name = MARKER.getBytes(StandardCharsets.UTF_8);
		byte[] payload = digest.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		WasmWriter.writeVarUInt32(out, name.length);
		out.writeBytes(name);
		out.writeBytes(payload);
		return out.toByteArray();
	}

	private static @Nullable String markedDigest(WasmModule module) {
		CustomSection marker = module.customSection(MARKER);
		return (marker instanceof UnknownCustomSection unknown) ? new String(unknown.bytes(), StandardCharsets.UTF_8)
				: null;
	}

	private static int readVarUInt32(ByteBuffer buffer) {
		long result = 0;
		for (int shift = 0; shift < 35; shift += 7) {
			byte b = buffer.get();
			result |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return Math.toIntExact(result);
			}
		}
		throw new IllegalArgumentException("malformed LEB128 number");
	}

}
