package io.github.chicorycache.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The examples of README.md that the sample produces: a {@code curl} command followed by
 * the JSON it answers, or log lines, each after an {@code <!-- example:NAME -->} marker.
 * {@link SampleApplicationIT} sends each command to the running sample and compares the
 * answer, so that the README shows what the code does.
 * <p>
 * Two JSON documents match when they have the same keys and values, except that values
 * that change from run to run (times, timestamps, the directory, free disk space) only
 * need the same type, and sizes may differ by 0.02 % (the deflate of another JDK makes an
 * entry a few bytes longer or shorter). The namespace's fingerprint is not compared, so
 * that the examples hold on every JDK.
 */
final class ReadmeExamples {

	private static final Pattern NAMESPACE = Pattern.compile("chicory-[0-9][\\w.+-]*-[0-9a-f]{16}");

	private static final Set<String> VOLATILE = Set.of("startedAt", "created", "lastAccess", "time", "directory",
			"freeDiskSpaceBytes");

	private static final Pattern VOLATILE_IN_LOGS = Pattern.compile("in \\d+ ms|\\d[\\d,]* bytes");

	private final String readme;

	private ReadmeExamples(String readme) {
		this.readme = readme;
	}

	static ReadmeExamples load() {
		try {
			return new ReadmeExamples(Files.readString(Path.of("..", "README.md")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String readme() {
		return this.readme;
	}

	/**
	 * Returns the request of an example's {@code curl} command, sent to a port.
	 * @param name the example
	 * @param port the sample's port
	 * @return the request
	 */
	HttpRequest.Builder request(String name, int port) {
		List<String> words = words(block(name, "shell").replace("\\\n", " "));
		assertThat(words).as(name).first().isEqualTo("curl");
		String method = null;
		String body = null;
		String url = null;
		List<String[]> headers = new ArrayList<>();
		for (int i = 1; i < words.size(); i++) {
			String word = words.get(i);
			if (word.equals("-X")) {
				i++;
				method = words.get(i);
			}
			else if (word.equals("-H")) {
				i++;
				headers.add(words.get(i).split(":\\s*", 2));
			}
			else if (word.equals("-d") || word.equals("--data")) {
				i++;
				body = words.get(i);
			}
			else if (!word.equals("-s")) {
				assertThat(word).as(name + ": a URL of the sample").startsWith("localhost:8080/");
				url = word;
			}
		}
		assertThat(url).as(name + ": URL").isNotNull();
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + url.substring("localhost:8080".length())));
		headers.forEach((header) -> request.header(header[0], header[1]));
		String effective = (method != null) ? method : ((body != null) ? "POST" : "GET");
		return request.method(effective,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
	}

	/**
	 * Asserts that an answer matches the JSON an example shows.
	 * @param name the example
	 * @param status the answer's HTTP status
	 * @param json the answer's body
	 */
	void assertAnswer(String name, int status, String json) {
		Map<String, Object> expected = JsonParserFactory.getJsonParser().parseMap(block(name, "json"));
		Object expectedStatus = expected.get("status");
		assertThat(status).as(name + ": status")
			.isEqualTo((expectedStatus instanceof Number number) ? number.intValue() : 200);
		assertMatches(name, expected, JsonParserFactory.getJsonParser().parseMap(json));
	}

	/**
	 * Asserts that each line an example shows was logged, durations and sizes aside.
	 * @param name the example
	 * @param log the log
	 */
	void assertLogged(String name, String log) {
		String logged = masked(log);
		for (String line : block(name, "").lines().toList()) {
			assertThat(logged).as(name).contains(masked(line));
		}
	}

	private static String masked(String text) {
		Matcher matcher = VOLATILE_IN_LOGS.matcher(text);
		return matcher.replaceAll((match) -> match.group().endsWith("ms") ? "in N ms" : "N bytes");
	}

	private String block(String name, String language) {
		Matcher block = Pattern
			.compile("<!-- example:" + Pattern.quote(name) + " -->\\n(?:```[a-z]*\\n.*?\\n```\\n)*?```" + language
					+ "\\n(.*?)\\n```", Pattern.DOTALL)
			.matcher(this.readme);
		assertThat(block.find()).as("README example " + name + " (" + language + ")").isTrue();
		return block.group(1);
	}

	@SuppressWarnings("unchecked")
	private static void assertMatches(String path, Object expected, Object actual) {
		if (expected instanceof Map<?, ?> expectedMap) {
			assertThat(actual).as(path).isInstanceOf(Map.class);
			Map<String, Object> actualMap = (Map<String, Object>) actual;
			assertThat(actualMap.keySet()).as(path + " keys").isEqualTo(expectedMap.keySet());
			expectedMap.forEach((key, value) -> {
				String child = path + "." + key;
				if (VOLATILE.contains(key) || ((String) key).endsWith("Millis")) {
					assertThat(kind(actualMap.get(key))).as(child).isEqualTo(kind(value));
				}
				else {
					assertMatches(child, value, actualMap.get(key));
				}
			});
		}
		else if (expected instanceof List<?> expectedList) {
			assertThat(actual).as(path).isInstanceOf(List.class);
			List<Object> actualList = (List<Object>) actual;
			assertThat(actualList).as(path).hasSameSizeAs(expectedList);
			for (int i = 0; i < expectedList.size(); i++) {
				assertMatches(path + "[" + i + "]", expectedList.get(i), actualList.get(i));
			}
		}
		else if (expected instanceof Number number && isSize(path)) {
			assertThat(actual).as(path).isInstanceOf(Number.class);
			// a JDK's deflate makes an entry a few bytes longer or shorter than another's
			double tolerance = Math.max(8, Math.abs(number.doubleValue()) * 0.0002);
			assertThat(((Number) actual).doubleValue()).as(path).isCloseTo(number.doubleValue(), offset(tolerance));
		}
		else if (expected instanceof Number number) {
			assertThat(actual).as(path).isInstanceOf(Number.class);
			assertThat(((Number) actual).doubleValue()).as(path).isEqualTo(number.doubleValue());
		}
		else if (expected instanceof String text) {
			assertThat(actual).as(path).isInstanceOf(String.class);
			assertThat(normalized((String) actual)).as(path).isEqualTo(normalized(text));
		}
		else {
			assertThat(actual).as(path).isEqualTo(expected);
		}
	}

	private static boolean isSize(String path) {
		String key = path.substring(path.lastIndexOf('.') + 1);
		return key.endsWith("Bytes") || key.startsWith("bytes");
	}

	private static String normalized(String text) {
		return NAMESPACE.matcher(text).replaceAll("NAMESPACE");
	}

	private static String kind(Object value) {
		return (value != null) ? ((value instanceof Number) ? "number" : value.getClass().getSimpleName()) : "null";
	}

	/**
	 * Splits a shell command line into words, as a shell does with single quotes.
	 */
	private static List<String> words(String line) {
		List<String> words = new ArrayList<>();
		StringBuilder word = null;
		boolean quoted = false;
		for (char c : line.strip().toCharArray()) {
			if (c == '\'') {
				quoted = !quoted;
				word = (word != null) ? word : new StringBuilder();
			}
			else if (Character.isWhitespace(c) && !quoted) {
				if (word != null) {
					words.add(word.toString());
					word = null;
				}
			}
			else {
				word = (word != null) ? word : new StringBuilder();
				word.append(c);
			}
		}
		if (word != null) {
			words.add(word.toString());
		}
		return words;
	}

}
