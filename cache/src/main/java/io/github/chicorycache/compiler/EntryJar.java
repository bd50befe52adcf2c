package io.github.chicorycache.compiler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.zip.Deflater;

import io.github.chicorycache.compiler.CompiledJarVerifier.InvalidEntryException;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the layout of a cache entry. It is the JAR of Chicory's
 * {@code MachineFactoryCompiler} (a {@code wasm-module.properties} entry naming the main
 * class, then the classes), which Chicory's own loader reads, plus two entries that
 * Chicory ignores:
 * <ul>
 * <li>{@value #ENTRY_PROPERTIES}: the names of the classes, checked when the entry is
 * read, so that an entry that lost a class is refused before its classes are defined (the
 * full completeness check runs once, when the entry is written), and the number of
 * functions of the module;</li>
 * <li>{@value #META_PART}, optional: the part of the {@link MetaModule meta module} that
 * differs from the module bytes, from which {@code ChicoryCompiler.load} builds the
 * module without decoding and validating the compiled bodies.</li>
 * </ul>
 * The cache stores the JAR as it is, so every tier carries all of it.
 */
public final class EntryJar {

	/**
	 * Name of the properties entry that names the main class, as Chicory's loader reads
	 * it.
	 */
	public static final String PROPERTIES = "wasm-module.properties";

	/**
	 * Name of this library's properties entry.
	 */
	public static final String ENTRY_PROPERTIES = "META-INF/chicory-cache/entry.properties";

	/**
	 * Name of the meta part entry.
	 */
	public static final String META_PART = "META-INF/chicory-cache/meta.part";

	private static final String CLASS_SUFFIX = ".class";

	private EntryJar() {
	}

	/**
	 * Writes a cache entry. Chicory writes its JAR at the default deflate level, which
	 * costs 15 to 45 % of the compile time (the more, the smaller the module); at
	 * {@link Deflater#BEST_SPEED} it costs 1 to 5 %, and the entry is read back as fast.
	 * @param mainClass the main class name
	 * @param classes the class bytes by class name, main class first
	 * @param level the deflate level ({@link Deflater#BEST_SPEED} for the cache)
	 * @param metaPart the meta part, or {@code null} for none
	 * @param functions the number of functions of the module, or {@code -1} to record
	 * nothing but the classes
	 * @return the JAR
	 */
	public static byte[] write(String mainClass, Map<String, byte[]> classes, int level, byte @Nullable [] metaPart,
			int functions) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream(
					64 * 1024 + ((metaPart != null) ? metaPart.length / 2 : 0));
			try (JarOutputStream out = new JarOutputStream(bytes)) {
				out.setLevel(level);
				Properties properties = new Properties();
				properties.put("mainClass", mainClass);
				write(out, PROPERTIES, store(properties));
				for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
					write(out, entry.getKey().replace('.', '/') + CLASS_SUFFIX, entry.getValue());
				}
				if (functions >= 0) {
					Properties entry = new Properties();
					// Chicory names some classes in internal form: list them as read
					// back.
					entry.put("classes",
							classes.keySet()
								.stream()
								.map((name) -> name.replace('/', '.'))
								.collect(Collectors.joining(",")));
					entry.put("functions", String.valueOf(functions));
					write(out, ENTRY_PROPERTIES, store(entry));
				}
				if (metaPart != null) {
					write(out, META_PART, metaPart);
				}
			}
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads a cache entry in one pass.
	 * @param jar the JAR
	 * @return its contents
	 * @throws InvalidEntryException if it is no readable JAR or names no main class
	 */
	public static Contents read(byte[] jar) throws InvalidEntryException {
		return read(jar, true);
	}

	/**
	 * Reads a cache entry in one pass, with or without its meta part. The meta part comes
	 * last, so reading stops before it when it is not wanted: the entry's streamed ZIP
	 * data would have to be inflated even to skip it.
	 * @param jar the JAR
	 * @param withMeta whether to read the meta part
	 * @return its contents ({@link Contents#metaPart()} {@code null} without it)
	 * @throws InvalidEntryException if it is no readable JAR or names no main class
	 */
	public static Contents read(byte[] jar, boolean withMeta) throws InvalidEntryException {
		String mainClass = null;
		Map<String, byte[]> classes = new LinkedHashMap<>();
		Set<String> listed = null;
		int functions = -1;
		byte[] metaPart = null;
		long classBytes = 0;
		try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
			JarEntry entry;
			while ((entry = in.getNextJarEntry()) != null) {
				String name = entry.getName();
				if (name.equals(PROPERTIES)) {
					Properties properties = new Properties();
					properties.load(in);
					mainClass = properties.getProperty("mainClass");
				}
				else if (name.equals(ENTRY_PROPERTIES)) {
					Properties properties = new Properties();
					properties.load(in);
					listed = new LinkedHashSet<>(Arrays.asList(properties.getProperty("classes", "").split(",")));
					functions = Integer.parseInt(properties.getProperty("functions", "-1"));
				}
				else if (name.equals(META_PART)) {
					if (!withMeta) {
						break;
					}
					metaPart = in.readAllBytes();
				}
				else if (name.endsWith(CLASS_SUFFIX)) {
					byte[] bytes = in.readAllBytes();
					classBytes += bytes.length;
					classes.put(name.substring(0, name.length() - CLASS_SUFFIX.length()).replace('/', '.'), bytes);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			throw new InvalidEntryException("unreadable JAR: " + ex);
		}
		if (mainClass == null || mainClass.isBlank()) {
			throw new InvalidEntryException("no mainClass in " + PROPERTIES);
		}
		return new Contents(mainClass.trim(), classes, listed, functions, metaPart, classBytes);
	}

	private static byte[] store(Properties properties) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		properties.store(out, "");
		return out.toByteArray();
	}

	private static void write(JarOutputStream out, String name, byte[] content) throws IOException {
		out.putNextEntry(new JarEntry(name));
		out.write(content);
		out.closeEntry();
	}

	/**
	 * What a cache entry holds.
	 *
	 * @param mainClass the name of the machine class
	 * @param classes the class bytes by class name, in the order of the JAR
	 * @param listedClasses the class names recorded when the entry was written, or
	 * {@code null} if it has none (not written by this library)
	 * @param functions the number of functions recorded, or {@code -1}
	 * @param metaPart the meta part, or {@code null} if the entry has none
	 * @param classBytes the total size of the classes: the size of the compiled code
	 */
	public record Contents(String mainClass, Map<String, byte[]> classes, @Nullable Set<String> listedClasses,
			int functions, byte @Nullable [] metaPart, long classBytes) {

		@Override
		public String toString() {
			return "entry of " + this.mainClass + " (" + this.classes.size() + " classes, " + this.classBytes + " bytes"
					+ ((this.metaPart != null) ? ", meta part of " + this.metaPart.length + " bytes" : "") + ")";
		}

	}

}
