package dev.tally.deploy.traffic.model;

import java.util.List;
import java.util.Set;

/**
 * A simulated site: its registry id, the hosts its pages are served from (registered as allowed
 * hostnames), its pages in popularity order (rank 0 is the most visited), and its share of all traffic.
 *
 * @param index position in the catalogue (0 is the busiest site)
 * @param domain the site's domain; pages are served from it and from {@code www.} + it
 */
public record SiteProfile(int index, String id, String domain, List<Page> pages, double trafficShare) {

    /** A page of the site: its path and title. */
    public record Page(String path, String title) {}

    public SiteProfile {
        pages = List.copyOf(pages);
    }

    /** What to register: the domain and all its subdomains ({@code *.} covers the domain itself too). */
    public Set<String> allowedHosts() {
        return Set.of(domain, "*." + domain);
    }

    /** The host of the pages, which is what browsers show in the address bar and trackers send. */
    public String wwwHost() {
        return "www." + domain;
    }
}
