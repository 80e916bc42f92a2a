package dev.tally.deploy.traffic.truth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.PlannedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generator's own count of what the gateway acknowledged, to hold the pipeline's numbers against:
 * per site, page views and custom events of humans (bots apart), values, distinct visitors, page
 * views per page. Only events the gateway answered as stored are recorded; events of requests that
 * got no answer are counted as {@link #uncertainEvents()} (stored or not, nobody knows), so a check
 * against this truth is exact only when that is zero.
 *
 * <p>Thread-safe: the generator records from its I/O thread while others may read.
 */
public final class GroundTruth {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final long seed;
    private final Map<String, SiteTruth> sites = new LinkedHashMap<>();
    private long acceptedEvents;
    private long uncertainEvents;

    public GroundTruth(long seed) {
        this.seed = seed;
    }

    /** Records one event of {@code hit} the gateway acknowledged, sent at {@code sentAt}. */
    public synchronized void accepted(Hit hit, PlannedEvent event, Instant sentAt) {
        acceptedEvents++;
        LocalDate day = LocalDate.ofInstant(sentAt, ZoneOffset.UTC);
        sites.computeIfAbsent(hit.site().id(), SiteTruth::new)
                .add(event, hit.visitor().index(), hit.visitor().bot(), hit.needsSiteKey(), day);
    }

    /** Events of a request that got no answer at all: maybe stored, maybe not. */
    public synchronized void uncertain(int events) {
        uncertainEvents += events;
    }

    public synchronized long acceptedEvents() {
        return acceptedEvents;
    }

    public synchronized long uncertainEvents() {
        return uncertainEvents;
    }

    public synchronized Map<String, SiteTruth> sites() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(sites));
    }

    public synchronized long humanPageviews() {
        return sites.values().stream().mapToLong(SiteTruth::pageviews).sum();
    }

    public synchronized long humanCustomEvents() {
        return sites.values().stream().mapToLong(SiteTruth::customEvents).sum();
    }

    public synchronized long botEvents() {
        return sites.values().stream().mapToLong(SiteTruth::botEvents).sum();
    }

    public synchronized long lateEvents() {
        return sites.values().stream().mapToLong(SiteTruth::lateEvents).sum();
    }

    public synchronized ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("seed", seed);
        root.put("acceptedEvents", acceptedEvents);
        root.put("uncertainEvents", uncertainEvents);
        root.put("note", "Counts of events the gateway acknowledged. Human counts exclude bots, as rollups do. Values are decimal "
                + "amounts summed exactly. visitorsByDay is keyed by the UTC day of sending (cookieless visitor ids change daily).");
        ObjectNode siteNodes = root.putObject("sites");
        for (SiteTruth site : sites.values()) {
            ObjectNode node = siteNodes.putObject(site.siteId());
            node.put("pageviews", site.pageviews());
            node.put("customEvents", site.customEvents());
            node.put("visitors", site.visitors());
            ObjectNode byDay = node.putObject("visitorsByDay");
            site.visitorsByDay().forEach((day, count) -> byDay.put(day.toString(), count));
            node.put("lateEvents", site.lateEvents());
            node.put("backfilledEvents", site.backfilledEvents());
            node.put("botEvents", site.botEvents());
            ObjectNode events = node.putObject("events");
            site.events().forEach((name, truth) -> {
                ObjectNode event = events.putObject(name);
                event.put("count", truth.count());
                event.put("valueCount", truth.valueCount());
                event.put("valueSum", BigDecimal.valueOf(truth.valueSumCents(), 2));
                if (truth.valueCount() > 0) {
                    event.put("valueMin", BigDecimal.valueOf(truth.valueMinCents(), 2));
                    event.put("valueMax", BigDecimal.valueOf(truth.valueMaxCents(), 2));
                }
            });
            counts(node.putObject("pages"), site.pages());
            counts(node.putObject("utmSources"), site.utmSources());
            counts(node.putObject("utmCampaigns"), site.utmCampaigns());
        }
        return root;
    }

    private static void counts(ObjectNode node, Map<String, Long> counts) {
        counts.forEach(node::put);
    }

    /** Writes {@link #toJson()} to {@code file}, through a temporary file so a reader never sees half of it. */
    public void writeJson(Path file) {
        try {
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path temporary = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
            JSON.writeValue(temporary.toFile(), toJson());
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the ground truth to " + file, e);
        }
    }
}
