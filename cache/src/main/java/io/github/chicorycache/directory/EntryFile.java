package io.github.chicorycache.directory;

import java.nio.file.Path;
import java.time.Instant;

/**
 * An entry file found by a directory scan.
 *
 * @param path the absolute path
 * @param namespace the namespace directory, empty for the root namespace
 * @param size the file size
 * @param lastAccess the last-modified time, which the cache uses as last access
 */
record EntryFile(Path path, String namespace, long size, Instant lastAccess) {

}
