package dev.vigil.frontend.routing;

/** What the router decided for a new request: where its first attempt goes, or why it goes nowhere. */
public sealed interface Admission {

    /** Send the first attempt: it is counted on its instance already. */
    record Routed(Attempt attempt) implements Admission {}

    /** No worker has registered this model. */
    record UnknownModel(String model) implements Admission {}

    /** The model is known but no instance can take the request now; {@code message} says why. */
    record Unavailable(String message) implements Admission {}

    /** Every routable instance of the model is over its busy thresholds: shed the request. */
    record AllBusy(int instances) implements Admission {}
}
