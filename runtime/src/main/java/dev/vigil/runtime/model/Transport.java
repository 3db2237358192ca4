package dev.vigil.runtime.model;

import java.util.Objects;

/**
 * How callers reach an endpoint instance: the {@code transport} field of its discovery value, in
 * Dynamo's spelling ({@code {"nats_tcp":"<subject>"}} or {@code {"tcp":"<host:port/id-hex/endpoint>"}}).
 * The request plane that serves the endpoint chooses it; a caller passes {@link #address()} to its
 * own plane, which must be of the same kind. {@link Local} is Vigil's own, for the in-process plane of
 * tests: no Dynamo process can reach it, so it never needs Dynamo's spelling.
 */
public sealed interface Transport {

    /** What a request plane's {@code call} and {@code serve} take. */
    String address();

    /** Served on the NATS plane at this subject, such as {@code dynamo_backend.generate-694d98147d54be25}. */
    record Nats(String subject) implements Transport {

        public Nats {
            Objects.requireNonNull(subject, "subject");
        }

        @Override
        public String address() {
            return subject;
        }
    }

    /**
     * Served on the direct TCP plane: {@code host:port/<instance id hex>/<endpoint>}, as Dynamo's TCP
     * request plane publishes it, such as {@code 10.0.0.5:41235/694d98147d54be25/generate}.
     */
    record Tcp(String address) implements Transport {

        public Tcp {
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * Served on the in-process plane ({@code LocalRequestPlane}) of this JVM, at this subject: only a
     * caller in the same JVM reaches it (unit tests, {@code @QuarkusTest}s). Its subject is spelled
     * like a NATS one, but nothing on NATS answers it.
     */
    record Local(String subject) implements Transport {

        public Local {
            Objects.requireNonNull(subject, "subject");
        }

        @Override
        public String address() {
            return subject;
        }
    }
}
