package dev.tally.gateway.ingest;

import dev.tally.store.Site;
import java.util.Optional;

/** The registered sites, as the gateway knows them right now (an in-memory view; lookups never block). */
public interface SiteDirectory {
    Optional<Site> find(String siteId);

    /** Whether any registered site allows pages on {@code host}: decides CORS before the body is read. */
    boolean anyAllowsHost(String host);
}
