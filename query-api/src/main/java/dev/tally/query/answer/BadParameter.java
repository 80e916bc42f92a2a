package dev.tally.query.answer;

/** A request parameter that cannot be answered: becomes a 400 naming {@link #parameter()}. */
public final class BadParameter extends RuntimeException {
    private final String parameter;

    public BadParameter(String parameter, String reason) {
        super(parameter + ": " + reason, null, false, false);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
