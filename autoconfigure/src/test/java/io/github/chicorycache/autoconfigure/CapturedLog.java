package io.github.chicorycache.autoconfigure;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The log lines written since the test started, for tests that check what the application
 * logs: like Spring Boot's {@code CapturedOutput}, but fed by an appender of
 * {@code logback-test.xml} instead of the console, so that expected warnings stay out of
 * the build output (they go to {@code target/test.log}). Each line is
 * {@code LEVEL logger: message}, followed by the exception, if any. Use with
 * {@code @ExtendWith(CapturedLog.Extension.class)} and a {@code CapturedLog} parameter.
 */
public final class CapturedLog implements CharSequence {

	private static final int MAX_LINES = 10_000;

	private static final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

	private CapturedLog() {
	}

	@Override
	public String toString() {
		return String.join("\n", lines);
	}

	@Override
	public int length() {
		return toString().length();
	}

	@Override
	public char charAt(int index) {
		return toString().charAt(index);
	}

	@Override
	public CharSequence subSequence(int start, int end) {
		return toString().subSequence(start, end);
	}

	/**
	 * The appender that {@code logback-test.xml} declares. Logback creates a new one
	 * whenever Spring Boot reinitializes logging, so the lines live in a static queue.
	 */
	public static final class Appender extends AppenderBase<ILoggingEvent> {

		@Override
		protected void append(ILoggingEvent event) {
			StringBuilder line = new StringBuilder().append(event.getLevel())
				.append(' ')
				.append(event.getLoggerName())
				.append(": ")
				.append(event.getFormattedMessage());
			IThrowableProxy throwable = event.getThrowableProxy();
			if (throwable != null) {
				line.append(" [")
					.append(throwable.getClassName())
					.append(": ")
					.append(throwable.getMessage())
					.append(']');
			}
			lines.add(line.toString());
			Iterator<String> oldest = lines.iterator();
			while (lines.size() > MAX_LINES && oldest.hasNext()) {
				oldest.next();
				oldest.remove();
			}
		}

	}

	/**
	 * Clears the lines before each test and provides the {@link CapturedLog}.
	 */
	public static final class Extension implements BeforeEachCallback, ParameterResolver {

		@Override
		public void beforeEach(ExtensionContext context) {
			lines.clear();
		}

		@Override
		public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
			return parameterContext.getParameter().getType() == CapturedLog.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
			return new CapturedLog();
		}

	}

}
