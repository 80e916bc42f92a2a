package dev.tally.deploy.traffic;

import dev.tally.deploy.traffic.model.SiteProfile;

/**
 * Puts a simulated site into the site registry with its allowed hosts, and returns a key the gateway
 * will accept for it (late events older than the allowed clock skew need it). The launcher implements
 * it on Cassandra; the generator itself never touches the registry.
 */
@FunctionalInterface
public interface SiteRegistrar {
    String register(SiteProfile site);
}
