package dev.tally.query.answer;

import dev.tally.store.Site;
import java.util.Optional;

/** Finds a registered site (with its time zone and key hash) by id. */
public interface SiteLookup {
    Optional<Site> find(String siteId);
}
