package io.github.chicorycache;

import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the warnings that fault-injection tests provoke on purpose out of the build
 * output: for the duration of a test, the cache's log records (logger
 * {@code io.github.chicorycache} and below, through {@code java.util.logging}, the
 * default {@code System.Logger} backend) stop at handlers a test attaches itself and do
 * not reach the console.
 */
public final class QuietCacheLog implements BeforeEachCallback, AfterEachCallback {

	/**
	 * Held strongly, so that the setting is not lost with a collected logger.
	 */
	private static final Logger LOGGER = Logger.getLogger("io.github.chicorycache");

	@Override
	public void beforeEach(ExtensionContext context) {
		LOGGER.setUseParentHandlers(false);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		LOGGER.setUseParentHandlers(true);
	}

}
