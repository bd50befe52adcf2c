package io.github.chicorycache.compiler;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.ValType;

/**
 * Not API: whether the bodies that a meta module keeps for the interpreter need Chicory's
 * validator to run as they do on a miss. The validator writes hints into some
 * instructions, which the interpreter reads: that the value {@code drop} or
 * {@code select} takes is a {@code v128}, and the source heap type of {@code ref.test},
 * {@code ref.cast} and {@code br_on_cast} (and their null and fail forms); Chicory 1.7.5
 * writes into no other instruction. Validating costs a fresh JVM about as much as
 * decoding the kept bodies again (tiktoken keeps one function of 38,505 instructions), so
 * a meta module is validated only if a hint can be written: a kept body has one of the
 * heap-type instructions, or a {@code drop} or {@code select} in a module where a value
 * can be a {@code v128} (a SIMD instruction, a local, a block type or typed
 * {@code select} in a kept body, or the type, import or global section). The answer is
 * worked out when an entry is written, and its meta part records it
 * ({@link MetaModule#VALIDATE}): looking through the kept bodies cost a hit 10 to 20 ms
 * in a fresh JVM for modules that keep large ones.
 */
final class ValidatorHints {

	/**
	 * The instructions whose source heap type the validator writes.
	 */
	private static final Set<OpCode> HEAP_TYPE_HINTED = EnumSet.of(OpCode.REF_TEST, OpCode.REF_TEST_NULL,
			OpCode.CAST_TEST, OpCode.CAST_TEST_NULL, OpCode.BR_ON_CAST, OpCode.BR_ON_CAST_FAIL);

	/**
	 * The instructions that the validator marks when the value they take is a v128.
	 */
	private static final Set<OpCode> V128_HINTED = EnumSet.of(OpCode.DROP, OpCode.SELECT);

	/**
	 * The instructions whose first operand may be an inline value type: the block type of
	 * a block, or the type of a typed select, whose value the validator takes to be of
	 * that type even where the stack is polymorphic (after {@code unreachable}), so that
	 * nothing else in the module need be a v128.
	 */
	private static final Set<OpCode> TYPED = EnumSet.of(OpCode.BLOCK, OpCode.LOOP, OpCode.IF, OpCode.TRY_TABLE,
			OpCode.SELECT_T);

	/**
	 * The byte of the {@code v128} value type.
	 */
	private static final byte V128 = 0x7B;

	private static final int SIMD_PREFIX = 0xFD;

	private ValidatorHints() {
	}

	/**
	 * Returns whether the validator could write a hint into a kept body of a meta module.
	 * @param code the code section of the meta module, stubs and kept bodies
	 * @param bytes the module bytes
	 * @param sections the sections of the module bytes, which are looked at only for a
	 * {@code drop} or {@code select} in a kept body
	 * @return whether the meta module must be validated
	 */
	static boolean needed(CodeSection code, byte[] bytes, List<WasmSections.Section> sections) {
		boolean v128 = false;
		boolean v128Hinted = false;
		for (int i = 0; i < code.functionBodyCount(); i++) {
			FunctionBody body = code.getFunctionBody(i);
			if (MetaCode.isStub(body)) {
				continue;
			}
			for (ValType local : body.localTypes()) {
				v128 |= local.opcode() == ValType.ID.V128;
			}
			for (Instruction instruction : body.instructions()) {
				OpCode opcode = instruction.opcode();
				if (HEAP_TYPE_HINTED.contains(opcode)) {
					return true;
				}
				v128Hinted |= V128_HINTED.contains(opcode);
				v128 |= (opcode.opcode() >> 8) == SIMD_PREFIX || (TYPED.contains(opcode)
						&& instruction.operandCount() > 0 && instruction.operand(0) == ValType.V128.id());
			}
		}
		return v128Hinted && (v128 || sections.stream().anyMatch((section) -> mayHoldV128(bytes, section)));
	}

	/**
	 * Returns whether the type, import or global section of a module may give a function
	 * a {@code v128} value: as a parameter or result, a field, or a global. A section
	 * that holds none has no byte of the {@code v128} type; a byte of that value may also
	 * be a count, an index or a character of a name, which costs a validation, never a
	 * wrong answer.
	 * @param bytes the module bytes
	 * @param section a section of them
	 * @return whether the section may give a {@code v128} value
	 */
	static boolean mayHoldV128(byte[] bytes, WasmSections.Section section) {
		int id = section.id();
		if (id != SectionId.TYPE && id != SectionId.IMPORT && id != SectionId.GLOBAL) {
			return false;
		}
		for (int i = section.contentsStart(); i < section.end(); i++) {
			if (bytes[i] == V128) {
				return true;
			}
		}
		return false;
	}

}
