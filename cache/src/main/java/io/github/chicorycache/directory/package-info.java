/**
 * Not API: the parts of {@link io.github.chicorycache.DirectoryCache}, one job per class,
 * wired together by {@link io.github.chicorycache.directory.DirectoryStore}.
 * <ul>
 * <li>{@link io.github.chicorycache.directory.EntryLayout}: where a key's file lives, and
 * the guard that keeps every path inside the root;</li>
 * <li>{@code NoFollow}: file access that never follows a link below the root;</li>
 * <li>{@code OwnerOnlyDirectories} (with {@code DirectoryOwnership}): the owner-only
 * directory policy;</li>
 * <li>{@link io.github.chicorycache.directory.EntryReader} and
 * {@link io.github.chicorycache.directory.EntryWriter}: the read and write paths, the
 * latter publishing atomically ({@code AtomicPublisher}), both through the entry format
 * ({@code EntryCodec});</li>
 * <li>{@link io.github.chicorycache.directory.EntryRemover}: removals and their
 * accounting;</li>
 * <li>{@code CleanupPass}: the directory scan ({@code DirectoryScanner}), the orphan
 * sweep ({@code TempFileSweeper}), the eviction policy ({@code EvictionPlanner}, a pure
 * function) and times in the future ({@code ClockSkew});</li>
 * <li>{@link io.github.chicorycache.directory.BackgroundCleanup}: the executor, the lock
 * and closing;</li>
 * <li>{@link io.github.chicorycache.directory.DirectoryStatsCounter}: the
 * statistics.</li>
 * </ul>
 * Public classes here are public only for the facade in the parent package.
 */
@NullMarked
package io.github.chicorycache.directory;

import org.jspecify.annotations.NullMarked;
