package dev.tally.common.http;

/** A named dependency check, evaluated on every {@code /readyz} request; it must not block for long. */
public interface ReadinessCheck {
    String name();

    Readiness check();

    static ReadinessCheck of(String name, java.util.function.Supplier<Readiness> check) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Readiness check() {
                return check.get();
            }
        };
    }
}
