package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class StepControllerTest {

    @Test
    void a_range_plan_rises_by_the_step_and_includes_the_freshness_rate() {
        assertThat(StepController.plan("5000:20000:5000", 7_500)).containsExactly(5_000.0, 7_500.0, 10_000.0, 15_000.0, 20_000.0);
    }

    @Test
    void a_list_plan_is_sorted_without_duplicates() {
        assertThat(StepController.plan("20000, 10000,5000,10000", 10_000)).containsExactly(5_000.0, 10_000.0, 20_000.0);
    }

    @Test
    void bad_plans_are_refused_with_the_reason() {
        assertThatThrownBy(() -> StepController.plan("1000:2000", 0)).hasMessageContaining("from:to:step");
        assertThatThrownBy(() -> StepController.plan("1000,-5", 0)).hasMessageContaining("above 0");
        assertThatThrownBy(() -> StepController.plan("fast", 0)).hasMessageContaining("not a rate");
    }

    @Test
    void the_ramp_stops_at_the_first_step_not_sustained() {
        StepController ramp = new StepController(List.of(5_000.0, 10_000.0, 15_000.0, 20_000.0));
        List<Double> held = new ArrayList<>();
        for (OptionalDouble rate = ramp.next(); rate.isPresent(); rate = ramp.next()) {
            held.add(rate.getAsDouble());
            ramp.finished(rate.getAsDouble() < 12_000);
        }

        assertThat(held).containsExactly(5_000.0, 10_000.0, 15_000.0);
        assertThat(ramp.highestSustained()).isEqualTo(10_000.0);
        assertThat(ramp.firstUnsustained()).isEqualTo(15_000.0);
    }

    @Test
    void a_ramp_sustained_to_its_end_has_no_failed_rate() {
        StepController ramp = new StepController(List.of(1_000.0, 2_000.0));
        ramp.finished(true);
        ramp.finished(true);

        assertThat(ramp.next()).isEmpty();
        assertThat(ramp.highestSustained()).isEqualTo(2_000.0);
        assertThat(ramp.firstUnsustained()).isNaN();
    }

    @Test
    void a_first_step_not_sustained_leaves_no_sustained_rate() {
        StepController ramp = new StepController(List.of(1_000.0, 2_000.0));
        ramp.finished(false);

        assertThat(ramp.next()).isEmpty();
        assertThat(ramp.highestSustained()).isNaN();
    }
}
