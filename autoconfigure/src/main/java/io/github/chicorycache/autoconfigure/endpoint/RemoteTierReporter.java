package io.github.chicorycache.autoconfigure.endpoint;

import io.github.chicorycache.autoconfigure.endpoint.ChicoryCacheDescriptors.RemoteDescriptor;

/**
 * Describes a cache tier behind the directory cache (the Redis tier of a fleet) for the
 * {@code remote} object of the {@link ChicoryCacheEndpoint}'s report. A bean of this type
 * comes with the tier's auto-configuration; the endpoint itself knows no tier.
 */
@FunctionalInterface
public interface RemoteTierReporter {

	/**
	 * Describes the tier: counters since it started, which only grow (the endpoint
	 * subtracts its {@code reset-stats} baseline), and its current state.
	 * @return the description
	 */
	RemoteDescriptor describe();

}
