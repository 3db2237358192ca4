package dev.vigil.frontend.probe;

/** A probe configuration that cannot be used; the message names the probe, the field and what is accepted. */
public class ProbeConfigException extends RuntimeException {

    public ProbeConfigException(String message) {
        super(message);
    }
}
