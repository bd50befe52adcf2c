package io.github.chicorycache.sample;

import java.net.http.HttpRequest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReadmeExamples}: what a README example accepts and what it catches.
 */
class ReadmeExamplesTests {

	private final ReadmeExamples readme = ReadmeExamples.load();

	@Test
	void curlCommandBecomesTheSameRequest() {
		HttpRequest request = this.readme.request("cleanup", 1234).build();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.uri()).hasToString("http://127.0.0.1:1234/actuator/chicorycache");
		assertThat(request.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(this.readme.request("entries", 1234).build().uri())
			.hasToString("http://127.0.0.1:1234/actuator/chicorycache/entries?limit=1");
		assertThat(this.readme.request("clear", 1234).build().method()).isEqualTo("DELETE");
	}

	@Test
	void sizesMayDifferByAFewBytesButNotMore() {
		this.readme.assertAnswer("clear", 200, "{\"removedEntries\":1,\"removedBytes\":403323}");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.readme.assertAnswer("clear", 200, "{\"removedEntries\":1,\"removedBytes\":402411}"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.readme.assertAnswer("clear", 200, "{\"removedEntries\":2,\"removedBytes\":403325}"));
	}

	@Test
	void keysMustBeTheSame() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.readme.assertAnswer("clear", 200, "{\"removedEntries\":1}"));
	}

	@Test
	void statusComesFromTheErrorBody() {
		String notFound = "{\"status\":404,\"error\":\"Not Found\",\"message\":\"No entry for "
				+ "sha-256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA in namespace chicory-1.7.5-0123456789abcdef\"}";
		this.readme.assertAnswer("absent-entry", 404, notFound);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.readme.assertAnswer("absent-entry", 200, notFound));
	}

	@Test
	void timestampsAndTimesOnlyNeedTheirType() {
		this.readme.assertAnswer("cleanup", 200,
				"{\"startedAt\":\"2030-01-01T00:00:00.000Z\",\"durationMillis\":12345,\"entriesBefore\":2,"
						+ "\"bytesBefore\":420610,\"evicted\":{},\"bytesFreed\":0,\"tempFilesDeleted\":0,"
						+ "\"entriesAfter\":2,\"bytesAfter\":420610}");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.readme.assertAnswer("cleanup", 200,
				"{\"startedAt\":\"2030-01-01T00:00:00.000Z\",\"durationMillis\":null,\"entriesBefore\":2,"
						+ "\"bytesBefore\":420610,\"evicted\":{},\"bytesFreed\":0,\"tempFilesDeleted\":0,"
						+ "\"entriesAfter\":2,\"bytesAfter\":420610}"));
	}

	@Test
	void logLinesAreComparedWithoutDurationsAndSizes() {
		String log = "INFO CompilationLogger : Chicory module sha-256:+L/9JSlCTYF1YhCMqORkzMG4yChSjhMw3J2zLEnr7mM=: "
				+ "compiled code from DISK in 1 ms (1 bytes)\n"
				+ "INFO CompilationLogger : Chicory module sha-256:vOEHos9OPJcQYmTP0xSS0pThsGjYGLxFMojT1/Zs0T0=: "
				+ "compiled code from DISK in 2 ms (3 bytes)";
		this.readme.assertLogged("log-later-start", log);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.readme.assertLogged("log-first-start", log));
	}

}
