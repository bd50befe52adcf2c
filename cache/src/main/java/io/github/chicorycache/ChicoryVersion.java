package io.github.chicorycache;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import org.jspecify.annotations.Nullable;

/**
 * The version of the Chicory compiler on the classpath, read at runtime.
 */
final class ChicoryVersion {

	private static final String POM_PROPERTIES = "META-INF/maven/com.dylibso.chicory/compiler/pom.properties";

	private static final String VERSION = read();

	private ChicoryVersion() {
	}

	/**
	 * Returns the compiler version, for example {@code 1.7.5}; if no version can be
	 * found, {@code unknown-} followed by a hash of the compiler's bytecode, so that a
	 * different compiler still gets a different namespace.
	 * @return the version
	 */
	static String get() {
		return VERSION;
	}

	private static String read() {
		String version = fromCodeSource();
		if (version == null) {
			version = fromResource();
		}
		if (version == null) {
			version = "unknown-" + hashOfCompilerClass();
		}
		return version.toLowerCase(Locale.ROOT);
	}

	/**
	 * Reads the pom.properties of the very jar the compiler class came from, so that a
	 * second Chicory jar on the classpath cannot answer for it.
	 */
	private static @Nullable String fromCodeSource() {
		try {
			CodeSource codeSource = MachineFactoryCompiler.class.getProtectionDomain().getCodeSource();
			if (codeSource == null || codeSource.getLocation() == null) {
				return null;
			}
			String location = codeSource.getLocation().toString();
			if (!location.endsWith(".jar")) {
				return null;
			}
			URL url = URI.create("jar:" + location + "!/" + POM_PROPERTIES).toURL();
			try (InputStream in = url.openStream()) {
				return versionOf(in);
			}
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static @Nullable String fromResource() {
		try (InputStream in = MachineFactoryCompiler.class.getResourceAsStream("/" + POM_PROPERTIES)) {
			return (in != null) ? versionOf(in) : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static @Nullable String versionOf(InputStream in) throws IOException {
		Properties properties = new Properties();
		properties.load(in);
		String version = properties.getProperty("version");
		return (version != null && !version.isBlank()) ? version.trim() : null;
	}

	private static String hashOfCompilerClass() {
		String resource = MachineFactoryCompiler.class.getName().replace('.', '/') + ".class";
		try (InputStream in = MachineFactoryCompiler.class.getClassLoader().getResourceAsStream(resource)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			if (in != null) {
				digest.update(in.readAllBytes());
			}
			return HexFormat.of().formatHex(digest.digest(), 0, 6);
		}
		catch (IOException | NoSuchAlgorithmException ex) {
			return "0";
		}
	}

}
