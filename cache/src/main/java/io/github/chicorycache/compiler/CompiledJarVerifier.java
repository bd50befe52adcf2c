package io.github.chicorycache.compiler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Not API: checks that a cache entry holds the complete compiled module it claims to
 * hold.
 * <p>
 * Chicory defines the classes of an entry eagerly, but the JVM resolves the references
 * between them lazily: a JAR that lacks one generated class loads fine and fails at the
 * first WASM call that needs it. {@link #verifyComplete} follows the class references of
 * the generated classes (all named after the main class) from the main class and requires
 * every one of them to be present. That walk reads every constant pool, so it runs once,
 * when the entry is written; the names of the classes are recorded in the entry
 * ({@link EntryJar}), and reading it only compares them
 * ({@link #verify(byte[], String)}).
 * <p>
 * A complete JAR may still belong to another module: Chicory's loader only reads the
 * classes, and the code of another module of the same shape runs and returns wrong
 * results. So the {@link io.github.chicorycache.ChicoryCompiler} {@link #bind binds}
 * every JAR it stores to the module digest and namespace it was compiled for, in the ZIP
 * comment (which Chicory's loader ignores), and {@link #verify(byte[], String)} requires
 * that binding. Damage to the bytes is caught by the CRC of each ZIP entry, and by the
 * checksum of the cache where it has one.
 */
public final class CompiledJarVerifier {

	/**
	 * Size of the ZIP end-of-central-directory record without its comment.
	 */
	private static final int EOCD_SIZE = 22;

	private static final int EOCD_SIGNATURE = 0x06054b50;

	private static final int MAX_COMMENT = 0xFFFF;

	private CompiledJarVerifier() {
	}

	/**
	 * Returns the binding of the entry of a module in a namespace: the JAR stored for a
	 * module is only ever loaded for that module digest in that namespace.
	 * @param namespace the namespace
	 * @param key the module digest
	 * @return the binding
	 */
	public static String binding(String namespace, String key) {
		return "chicory-cache " + namespace + " " + key;
	}

	/**
	 * Checks an entry read from the cache, at a cost that does not grow with its size
	 * beyond reading it once: the binding, then the recorded class names against the
	 * classes present.
	 * @param jar the JAR bytes
	 * @param binding the binding it must carry, see {@link #bind(byte[], String)}
	 * @return the contents of the entry
	 * @throws InvalidEntryException if it is bound to something else, not bound,
	 * unreadable or does not hold the classes it lists
	 */
	public static EntryJar.Contents verify(byte[] jar, String binding) throws InvalidEntryException {
		return verify(jar, binding, true);
	}

	/**
	 * Checks an entry read from the cache, as {@link #verify(byte[], String)} does, with
	 * or without reading its meta module.
	 * @param jar the JAR bytes
	 * @param binding the binding it must carry
	 * @param withMeta whether to read the meta module
	 * @return the contents of the entry
	 * @throws InvalidEntryException if the entry is unusable
	 */
	public static EntryJar.Contents verify(byte[] jar, String binding, boolean withMeta) throws InvalidEntryException {
		if (!hasBinding(jar, binding)) {
			String found = binding(jar);
			throw new InvalidEntryException((found != null) ? "the entry was stored for " + found
					: "the entry was not stored by this library for this module (no binding)");
		}
		EntryJar.Contents contents = EntryJar.read(jar, withMeta);
		Set<String> listed = contents.listedClasses();
		if (listed == null) {
			throw new InvalidEntryException("the entry lists no classes (not written by this version)");
		}
		if (!contents.classes().containsKey(contents.mainClass())) {
			throw new InvalidEntryException("main class " + contents.mainClass() + " is missing");
		}
		for (String name : listed) {
			if (!contents.classes().containsKey(name)) {
				throw new InvalidEntryException("class " + name + " is missing");
			}
		}
		for (String name : contents.classes().keySet()) {
			if (!listed.contains(name)) {
				throw new InvalidEntryException("class " + name + " is not listed in the entry");
			}
		}
		return contents;
	}

	/**
	 * Binds a JAR to a module: returns a copy whose ZIP comment is the binding. Readers
	 * of the JAR, Chicory's among them, are not affected.
	 * @param jar a JAR without a comment, as Chicory writes it
	 * @param binding the binding, for example the namespace and the module digest
	 * @return the bound JAR, or the JAR unchanged if it cannot be bound (it then fails
	 * {@link #verify(byte[], String)} and is replaced when next read)
	 */
	public static byte[] bind(byte[] jar, String binding) {
		byte[] comment = binding.getBytes(StandardCharsets.UTF_8);
		int eocd = jar.length - EOCD_SIZE;
		if (comment.length > MAX_COMMENT || eocd < 0 || !isEndRecord(jar, eocd) || commentLength(jar, eocd) != 0) {
			return jar;
		}
		byte[] bound = Arrays.copyOf(jar, jar.length + comment.length);
		bound[eocd + 20] = (byte) comment.length;
		bound[eocd + 21] = (byte) (comment.length >>> 8);
		System.arraycopy(comment, 0, bound, jar.length, comment.length);
		return bound;
	}

	/**
	 * Returns the binding of a JAR, its ZIP comment.
	 * @param jar the JAR bytes
	 * @return the binding, or {@code null} if the JAR has none or is no ZIP file
	 */
	public static @Nullable String binding(byte[] jar) {
		int lowest = Math.max(0, jar.length - EOCD_SIZE - MAX_COMMENT);
		for (int eocd = jar.length - EOCD_SIZE; eocd >= lowest; eocd--) {
			if (isEndRecord(jar, eocd) && eocd + EOCD_SIZE + commentLength(jar, eocd) == jar.length) {
				int length = commentLength(jar, eocd);
				return (length > 0) ? new String(jar, eocd + EOCD_SIZE, length, StandardCharsets.UTF_8) : null;
			}
		}
		return null;
	}

	/**
	 * Returns whether a JAR carries a binding, looking only at its end.
	 * @param jar the JAR bytes
	 * @param binding the binding
	 * @return whether the JAR's ZIP comment is the binding
	 */
	public static boolean hasBinding(byte[] jar, String binding) {
		byte[] comment = binding.getBytes(StandardCharsets.UTF_8);
		int eocd = jar.length - EOCD_SIZE - comment.length;
		return eocd >= 0 && isEndRecord(jar, eocd) && commentLength(jar, eocd) == comment.length
				&& Arrays.equals(jar, eocd + EOCD_SIZE, jar.length, comment, 0, comment.length);
	}

	private static boolean isEndRecord(byte[] jar, int offset) {
		return (jar[offset] & 0xFF | (jar[offset + 1] & 0xFF) << 8 | (jar[offset + 2] & 0xFF) << 16
				| (jar[offset + 3] & 0xFF) << 24) == EOCD_SIGNATURE;
	}

	private static int commentLength(byte[] jar, int eocd) {
		return jar[eocd + 20] & 0xFF | (jar[eocd + 21] & 0xFF) << 8;
	}

	/**
	 * Verifies that a compiled-module JAR is complete.
	 * @param jar the JAR bytes
	 * @throws InvalidEntryException if it is not a complete compiled module
	 */
	public static void verify(byte[] jar) throws InvalidEntryException {
		EntryJar.Contents contents = EntryJar.read(jar);
		verifyComplete(contents.mainClass(), contents.classes());
	}

	/**
	 * Verifies that compiled classes are complete: every generated class that the main
	 * class reaches is present and readable.
	 * @param mainClass the name of the main class
	 * @param classes the class bytes by class name
	 * @throws InvalidEntryException if a class is missing or damaged
	 */
	public static void verifyComplete(String mainClass, Map<String, byte[]> classes) throws InvalidEntryException {
		String main = mainClass.replace('.', '/');
		// Chicory names some classes in internal form, some in binary form.
		Map<String, byte[]> byInternalName = new HashMap<>();
		classes.forEach((name, bytes) -> byInternalName.put(name.replace('.', '/'), bytes));
		if (!byInternalName.containsKey(main)) {
			throw new InvalidEntryException("main class " + mainClass + " is missing");
		}
		Set<String> seen = new HashSet<>();
		Deque<String> pending = new ArrayDeque<>();
		pending.add(main);
		seen.add(main);
		while (!pending.isEmpty()) {
			String name = pending.poll();
			byte[] bytes = byInternalName.get(name);
			if (bytes == null) {
				throw new InvalidEntryException("class " + name.replace('/', '.') + " is missing");
			}
			for (String referenced : referencedClasses(bytes, name)) {
				if (referenced.startsWith(main) && seen.add(referenced)) {
					pending.add(referenced);
				}
			}
		}
	}

	/**
	 * Returns the internal names of the classes that a class file's constant pool refers
	 * to.
	 * @param classFile the class file
	 * @param name the class name, for messages
	 * @return the referenced class names
	 * @throws InvalidEntryException if the class file is damaged
	 */
	public static Set<String> referencedClasses(byte[] classFile, String name) throws InvalidEntryException {
		try {
			ByteBuffer buffer = ByteBuffer.wrap(classFile);
			if (buffer.getInt() != 0xCAFEBABE) {
				throw new InvalidEntryException("class " + name + " is not a class file");
			}
			buffer.getShort(); // minor version
			buffer.getShort(); // major version
			int count = Short.toUnsignedInt(buffer.getShort());
			String[] utf8 = new String[count];
			int[] classNameIndexes = new int[count];
			int classes = 0;
			for (int i = 1; i < count; i++) {
				int tag = Byte.toUnsignedInt(buffer.get());
				switch (tag) {
					case 1 -> {
						int length = Short.toUnsignedInt(buffer.getShort());
						byte[] bytes = new byte[length];
						buffer.get(bytes);
						// Class names are ASCII in generated code; modified UTF-8 only
						// differs outside it.
						utf8[i] = new String(bytes, StandardCharsets.UTF_8);
					}
					case 7 -> {
						classNameIndexes[classes] = Short.toUnsignedInt(buffer.getShort());
						classes++;
					}
					case 8, 16, 19, 20 -> buffer.getShort();
					case 15 -> {
						buffer.get();
						buffer.getShort();
					}
					case 3, 4, 9, 10, 11, 12, 17, 18 -> buffer.getInt();
					case 5, 6 -> {
						buffer.getLong();
						i++;
					}
					default -> throw new InvalidEntryException("class " + name + " has a bad constant pool tag " + tag);
				}
			}
			Set<String> names = new HashSet<>();
			for (int i = 0; i < classes; i++) {
				String className = utf8[classNameIndexes[i]];
				if (className != null) {
					names.add(elementType(className));
				}
			}
			return names;
		}
		catch (RuntimeException ex) {
			throw new InvalidEntryException("class " + name + " is damaged: " + ex);
		}
	}

	private static String elementType(String className) {
		if (!className.startsWith("[")) {
			return className;
		}
		String element = className.replaceFirst("^\\[+", "");
		return (element.startsWith("L") && element.endsWith(";")) ? element.substring(1, element.length() - 1)
				: element;
	}

	/**
	 * Thrown when an entry is not a complete compiled module.
	 */
	public static final class InvalidEntryException extends Exception {

		/**
		 * Creates an exception.
		 * @param message why the entry is invalid
		 */
		public InvalidEntryException(String message) {
			super(message, null, false, false);
		}

	}

}
