package io.github.chicorycache;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a {@link DirectoryCache}, as listed by {@link DirectoryCache#entries()}.
 *
 * @param namespace the namespace directory the entry lives in; empty for the root
 * namespace
 * @param key the key the entry was stored under, or {@code null} if its header is
 * unreadable (such an entry is removed when it is next read)
 * @param path the entry file's path relative to the cache root, with {@code /} separators
 * @param sizeBytes the size of the entry file
 * @param created when the entry was stored, or {@code null} if its header is unreadable
 * @param lastAccess when the entry was last stored or read by any process
 */
public record CacheEntry(String namespace, @Nullable String key, String path, long sizeBytes, @Nullable Instant created,
		Instant lastAccess) {

}
