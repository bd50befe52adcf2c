package io.github.chicorycache.compiler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.Deflater;

/**
 * Not API: the layout of a cache entry, the JAR of Chicory's
 * {@code MachineFactoryCompiler} (a {@code wasm-module.properties} entry naming the main
 * class, then the classes), which Chicory's own loader reads.
 */
public final class EntryJar {

	/**
	 * Name of the properties entry that names the main class, as Chicory's loader reads
	 * it.
	 */
	public static final String PROPERTIES = "wasm-module.properties";

	private EntryJar() {
	}

	/**
	 * Writes compiled classes in the layout of Chicory's cache JAR. Chicory writes it at
	 * the default deflate level, which costs 15 to 45 % of the compile time (the more,
	 * the smaller the module); at {@link Deflater#BEST_SPEED} it costs 1 to 5 %, and the
	 * entry is read back as fast.
	 * @param mainClass the main class name
	 * @param classes the class bytes by class name, main class first
	 * @param level the deflate level ({@link Deflater#BEST_SPEED} for the cache)
	 * @return the JAR
	 */
	public static byte[] write(String mainClass, Map<String, byte[]> classes, int level) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			try (JarOutputStream out = new JarOutputStream(bytes)) {
				out.setLevel(level);
				Properties properties = new Properties();
				properties.put("mainClass", mainClass);
				ByteArrayOutputStream propertyBytes = new ByteArrayOutputStream();
				properties.store(propertyBytes, "");
				out.putNextEntry(new JarEntry(PROPERTIES));
				out.write(propertyBytes.toByteArray());
				out.closeEntry();
				for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
					out.putNextEntry(new JarEntry(entry.getKey().replace('.', '/') + ".class"));
					out.write(entry.getValue());
					out.closeEntry();
				}
			}
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
