package io.github.chicorycache.autoconfigure;

import io.github.chicorycache.CompilationEvent;
import io.github.chicorycache.CompilationListener;
import io.github.chicorycache.CompilationSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs each module that the compiler loads, with where its code came from and how long it
 * took: at {@code INFO} when the code came from disk, a remote cache or the compiler
 * (once per module and JVM, normally), at {@code DEBUG} when it was reused from memory,
 * which may happen on every request. Turned down with
 * {@code logging.level.io.github.chicorycache.autoconfigure.CompilationLogger=warn}.
 */
public class CompilationLogger implements CompilationListener {

	private static final Log logger = LogFactory.getLog(CompilationLogger.class);

	@Override
	public void onCompilation(CompilationEvent event) {
		if (event.source() == CompilationSource.MEMORY) {
			if (logger.isDebugEnabled()) {
				logger.debug(message(event));
			}
		}
		else if (logger.isInfoEnabled()) {
			logger.info(message(event));
		}
	}

	static String message(CompilationEvent event) {
		StringBuilder message = new StringBuilder("Chicory module ");
		message.append((event.digest() != null) ? event.digest() : "(no digest)");
		message.append(": compiled code from ").append(event.source());
		message.append(" in ").append(event.duration().toMillis()).append(" ms");
		if (event.bytes() > 0) {
			message.append(String.format(" (%,d bytes)", event.bytes()));
		}
		if (event.recovered()) {
			message.append(", replacing a damaged cache entry");
		}
		return message.toString();
	}

}
