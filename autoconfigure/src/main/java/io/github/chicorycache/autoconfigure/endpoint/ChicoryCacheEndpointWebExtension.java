package io.github.chicorycache.autoconfigure.endpoint;

import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.EntryDescriptor;
import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemovalDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the
 * {@link ChicoryCacheEndpoint}: maps its outcomes to HTTP statuses. Every client error of
 * the endpoint has one body, {@code {"status":404,"error":"Not Found","message":"…"}}
 * (the fields that Spring Boot's own error responses also have): {@code 400} for invalid
 * input, {@code 404} for an entry that does not exist, {@code 409} for a change the cache
 * cannot make (read-only, or no directory cache to clean up).
 */
@EndpointWebExtension(endpoint = ChicoryCacheEndpoint.class)
public class ChicoryCacheEndpointWebExtension {

	private final ChicoryCacheEndpoint delegate;

	public ChicoryCacheEndpointWebExtension(ChicoryCacheEndpoint delegate) {
		this.delegate = delegate;
	}

	@ReadOperation
	public WebEndpointResponse<OperationResponseBody> entry(@Selector(match = Match.ALL_REMAINING) String[] path,
			@Nullable String limit, @Nullable String namespace) {
		try {
			String key = ChicoryCacheEndpoint.key(path);
			if (ChicoryCacheEndpoint.ENTRIES.equals(key)) {
				return ok(this.delegate.entries(limit(limit)));
			}
			EntryDescriptor entry = this.delegate.findEntry(key, namespace);
			return (entry != null) ? ok(entry) : error(WebEndpointResponse.STATUS_NOT_FOUND, noEntry(key, namespace));
		}
		catch (InvalidEndpointRequestException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getReason());
		}
	}

	@DeleteOperation
	public WebEndpointResponse<OperationResponseBody> clear() {
		try {
			return ok(this.delegate.clear());
		}
		catch (IllegalStateException ex) {
			return error(409, String.valueOf(ex.getMessage()));
		}
	}

	@DeleteOperation
	public WebEndpointResponse<OperationResponseBody> evict(@Selector(match = Match.ALL_REMAINING) String[] path,
			@Nullable String namespace) {
		try {
			RemovalDescriptor removed = this.delegate.evict(path, namespace);
			return (removed != null) ? ok(removed)
					: error(WebEndpointResponse.STATUS_NOT_FOUND, noEntry(ChicoryCacheEndpoint.key(path), namespace));
		}
		catch (InvalidEndpointRequestException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getReason());
		}
		catch (IllegalStateException ex) {
			return error(409, String.valueOf(ex.getMessage()));
		}
	}

	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> action(@Nullable String action) {
		if (action == null) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Missing action; send {\"action\":\"cleanup\"} or {\"action\":\"reset-stats\"}");
		}
		try {
			OperationResponseBody result = this.delegate.action(action);
			return (result != null) ? ok(result)
					: error(409, "No directory cache to clean up: " + this.delegate.whyNoDirectoryCache());
		}
		catch (InvalidEndpointRequestException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getReason());
		}
	}

	private String noEntry(String key, @Nullable String namespace) {
		String reason = this.delegate.whyNoDirectoryCache();
		return "No entry for " + key + " in namespace " + this.delegate.namespace(namespace)
				+ ((reason != null) ? ": " + reason : "");
	}

	private static @Nullable Integer limit(@Nullable String limit) {
		if (limit == null) {
			return null;
		}
		try {
			return Integer.valueOf(limit.trim());
		}
		catch (NumberFormatException ex) {
			String message = "limit must be a number between 1 and " + ChicoryCacheEndpoint.MAX_LIMIT + ", was '"
					+ limit + "'";
			throw new InvalidEndpointRequestException(message, message);
		}
	}

	private static WebEndpointResponse<OperationResponseBody> ok(OperationResponseBody body) {
		return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_OK);
	}

	private static WebEndpointResponse<OperationResponseBody> error(int status, String message) {
		return new WebEndpointResponse<>(ErrorDescriptor.of(status, message), status);
	}

	/**
	 * The body of every client error of the endpoint.
	 *
	 * @param status the HTTP status
	 * @param error the status's reason phrase
	 * @param message what was wrong
	 */
	public record ErrorDescriptor(int status, String error, String message) implements OperationResponseBody {

		static ErrorDescriptor of(int status, String message) {
			String error = switch (status) {
				case WebEndpointResponse.STATUS_BAD_REQUEST -> "Bad Request";
				case WebEndpointResponse.STATUS_NOT_FOUND -> "Not Found";
				case 409 -> "Conflict";
				default -> "Error";
			};
			return new ErrorDescriptor(status, error, message);
		}

	}

}
