package dev.tally.query.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tally.query.compose.Horizon;
import dev.tally.query.compose.Intervals;
import dev.tally.query.compose.TierPlanner;
import dev.tally.query.testdata.MemoryRollupStore;
import dev.tally.query.testdata.RollupFixture;
import dev.tally.query.testdata.TestEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: for random event sets, random ranges and random site time zones (half- and quarter-hour
 * offsets and DST included), every composed answer equals the brute-force sum over the minute rows, and
 * no answer reads more rows than the composition bound.
 */
class TierCompositionPropertyTest {
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kolkata"), ZoneId.of("Australia/Adelaide"), ZoneId.of("America/St_Johns"), ZoneId.of("Asia/Kathmandu"),
            ZoneId.of("Pacific/Chatham"));
    private static final Instant DATA_START = Instant.parse("2026-10-20T00:00:00Z");
    private static final int DATA_MINUTES = 12 * 1440;
    private static final List<String> PAGES = List.of("/", "/pricing", "/docs", "/blog/a", "/blog/b", "/about");

    @Test
    void composed_answers_equal_the_minute_sums_for_random_ranges_and_zones() {
        for (long seed = 1; seed <= 6; seed++) {
            Random random = new Random(seed);
            RollupFixture fixture = new RollupFixture(randomEvents(random, 4_000));
            QueryService service = new QueryService(new MemoryRollupStore(fixture), () -> Horizon.EVERYTHING_SETTLED);
            for (int trial = 0; trial < 40; trial++) {
                ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
                Instant[] range = randomRange(random, zone);
                checkAll(random, fixture, service, Horizon.EVERYTHING_SETTLED, zone, range, trial % 4 == 0);
            }
        }
    }

    /**
     * The aggregator's hour and day rows hold only closed minutes: composed answers must still equal the
     * minute sums when the recent part of the data is in minute rows alone, as long as the planner's
     * horizon (its settled instant) is no later than where the coarse rows stop.
     */
    @Test
    void answers_stay_exact_while_recent_hours_and_days_are_incomplete() {
        for (long seed = 11; seed <= 14; seed++) {
            Random random = new Random(seed);
            Instant closedBefore = DATA_START.plusSeconds(60L * (2 * 1440 + random.nextInt(DATA_MINUTES - 2 * 1440)));
            RollupFixture fixture = new RollupFixture(randomEvents(random, 4_000), closedBefore);
            Horizon horizon = new Horizon(closedBefore.minusSeconds(60L * random.nextInt(180)).toEpochMilli(), Long.MAX_VALUE);
            QueryService service = new QueryService(new MemoryRollupStore(fixture), () -> horizon);
            for (int trial = 0; trial < 40; trial++) {
                ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
                checkAll(random, fixture, service, horizon, zone, randomRange(random, zone), trial % 4 == 0);
            }
        }
    }

    @Test
    void nothing_after_the_data_end_is_read() {
        Random random = new Random(21);
        RollupFixture fixture = new RollupFixture(randomEvents(random, 4_000));
        Instant now = DATA_START.plusSeconds(60L * 1440 * 5 + 60L * 617);
        Horizon horizon = Horizon.at(now, java.time.Duration.ofMinutes(12));
        QueryService service = new QueryService(new MemoryRollupStore(fixture), () -> horizon);
        Instant from = DATA_START.plusSeconds(60L * 1440 * 5);

        Answers.Aggregate today = service.aggregate("site", from, from.plusSeconds(86_400), Filter.NONE);

        assertSameTotals(today.totals(), fixture.minuteSum(from, Instant.ofEpochMilli(horizon.dataEndMs()), Dimension.TOTAL, ""));
        assertThat(today.bucketBound()).as("10 hours, then the minutes from 10:00 to 10:32").isEqualTo(10 + 32);
    }

    private static void checkAll(Random random, RollupFixture fixture, QueryService service, Horizon horizon, ZoneId zone,
                                 Instant[] range, boolean everyQuestion) {
        checkAggregate(fixture, service, horizon, range[0], range[1], Filter.NONE);
        checkAggregate(fixture, service, horizon, range[0], range[1], new Filter(Dimension.PAGE, PAGES.get(random.nextInt(PAGES.size()))));
        if (everyQuestion) {
            checkTimeseries(fixture, service, horizon, range[0], range[1], zone);
            checkBreakdown(fixture, service, horizon, range[0], range[1]);
        }
    }

    private static void checkAggregate(RollupFixture fixture, QueryService service, Horizon horizon, Instant from, Instant to,
                                       Filter filter) {
        Answers.Aggregate answer = service.aggregate("site", from, to, filter);
        Totals brute = fixture.minuteSum(from, to, filter.dimension(), filter.value());
        assertSameTotals(answer.totals(), brute);
        RollupFixture.Truth truth = fixture.truth(from, to, filter.dimension(), filter.value());
        assertThat(answer.totals().pageviews()).isEqualTo(truth.pageviews());
        assertThat(answer.totals().customEvents()).isEqualTo(truth.customEvents());
        assertThat((double) answer.totals().visitors()).isCloseTo(truth.distinctVisitors(), within(Math.max(1, truth.distinctVisitors() * 0.033)));
        assertThat(answer.rowsRead()).isLessThanOrEqualTo(answer.bucketBound());
        assertThat(answer.bucketBound()).isEqualTo(TierPlanner.bucketCount(from, to, horizon));
    }

    private static void checkTimeseries(RollupFixture fixture, QueryService service, Horizon horizon, Instant from, Instant to,
                                        ZoneId zone) {
        Intervals.Unit unit = Intervals.Unit.forRange(from, to);
        Answers.Timeseries series = service.timeseries("site", from, to, unit, zone, Filter.NONE);
        long bound = 0;
        for (Answers.Point point : series.points()) {
            assertSameTotals(point.totals(), fixture.minuteSum(point.start(), point.end(), Dimension.TOTAL, ""));
            bound += TierPlanner.bucketCount(point.start(), point.end(), horizon);
        }
        assertThat(series.bucketBound()).isEqualTo(bound);
        assertThat(series.rowsRead()).isLessThanOrEqualTo(bound);
    }

    private static void checkBreakdown(RollupFixture fixture, QueryService service, Horizon horizon, Instant from, Instant to) {
        Answers.Breakdown breakdown = service.breakdown("site", from, to, Dimension.PAGE, Metric.PAGEVIEWS, 0, 100);
        Map<String, Totals> expected = new HashMap<>();
        for (String page : PAGES) {
            Totals totals = fixture.minuteSum(from, to, Dimension.PAGE, page);
            if (totals.rows() > 0) {
                expected.put(page, totals);
            }
        }
        assertThat(breakdown.distinctValues()).isEqualTo(expected.size());
        for (Answers.Entry entry : breakdown.entries()) {
            assertSameTotals(entry.totals(), expected.get(entry.value()));
        }
        assertThat(breakdown.entries()).extracting(entry -> entry.totals().pageviews()).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(breakdown.bucketsRead()).isEqualTo(TierPlanner.bucketCount(from, to, horizon));
        assertThat(breakdown.rowsRead()).isLessThanOrEqualTo(breakdown.bucketsRead() * PAGES.size());
    }

    private static void assertSameTotals(Totals actual, Totals expected) {
        assertThat(actual.pageviews()).isEqualTo(expected.pageviews());
        assertThat(actual.customEvents()).isEqualTo(expected.customEvents());
        assertThat(actual.visitors()).isEqualTo(expected.visitors());
        assertThat(actual.valueCount()).isEqualTo(expected.valueCount());
        assertThat(actual.valueSum()).isCloseTo(expected.valueSum(), within(1e-6));
        assertThat(actual.valueMin()).isEqualTo(expected.valueMin());
        assertThat(actual.valueMax()).isEqualTo(expected.valueMax());
    }

    /** Site-local whole days, or any minute-aligned range, inside the data window. */
    private static Instant[] randomRange(Random random, ZoneId zone) {
        if (random.nextBoolean()) {
            LocalDate first = LocalDate.ofInstant(DATA_START, zone).plusDays(1 + random.nextInt(6));
            int days = 1 + random.nextInt(4);
            return new Instant[] {first.atStartOfDay(zone).toInstant(), first.plusDays(days).atStartOfDay(zone).toInstant()};
        }
        Instant from = DATA_START.plusSeconds(60L * random.nextInt(DATA_MINUTES));
        Instant to = from.plusSeconds(60L * random.nextInt(Math.max(1, (int) ((DATA_START.getEpochSecond() + DATA_MINUTES * 60L - from.getEpochSecond()) / 60))));
        return new Instant[] {from, to};
    }

    private static List<TestEvent> randomEvents(Random random, int count) {
        List<TestEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant time = DATA_START.plusMillis((long) (random.nextDouble() * DATA_MINUTES * 60_000L));
            String visitor = "v" + random.nextInt(600);
            String page = PAGES.get(random.nextInt(PAGES.size()));
            if (random.nextInt(5) == 0) {
                Double value = random.nextBoolean() ? Math.round(random.nextDouble() * 10_000) / 100.0 : null;
                events.add(TestEvent.custom(time, visitor, page, random.nextBoolean() ? "signup" : "purchase", value).build());
            } else {
                events.add(TestEvent.pageview(time, visitor, page).build());
            }
        }
        return events;
    }
}
