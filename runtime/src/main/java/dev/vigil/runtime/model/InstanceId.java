package dev.vigil.runtime.model;

/**
 * The id shared by all endpoints of one process: its etcd lease id. Treated as an unsigned 64-bit
 * value: lower-case, unpadded hex in etcd keys and NATS subjects, an exact decimal integer in JSON.
 */
public record InstanceId(long value) {

    public static InstanceId fromHex(String hex) {
        return new InstanceId(Long.parseUnsignedLong(hex, 16));
    }

    /** {@code 694d98147d54be25}: the form used in keys and subjects. */
    public String hex() {
        return Long.toHexString(value);
    }

    /** {@code 7587888160958627365}: the exact unsigned decimal used in JSON bodies. */
    public String decimal() {
        return Long.toUnsignedString(value);
    }

    @Override
    public String toString() {
        return hex();
    }
}
