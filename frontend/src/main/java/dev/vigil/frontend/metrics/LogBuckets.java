package dev.vigil.frontend.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Dynamo's histogram buckets for the frontend's request metrics: 0, then {@code count - 1}
 * log-spaced bounds from {@code min} (exclusive) to {@code max}, each rounded to two significant
 * figures, duplicates dropped. Computed the same way so a Vigil histogram and a Dynamo one can be
 * compared bucket by bucket on one dashboard.
 */
public record LogBuckets(double min, double max, int count) {

    /** {@code dynamo_frontend_request_duration_seconds}: Dynamo's defaults. */
    public static final LogBuckets REQUEST_DURATION = new LogBuckets(1.0, 512.0, 10);
    /** {@code dynamo_frontend_input_sequence_tokens}. */
    public static final LogBuckets INPUT_SEQUENCE = new LogBuckets(50.0, 128000.0, 12);
    /** {@code dynamo_frontend_output_sequence_tokens}. */
    public static final LogBuckets OUTPUT_SEQUENCE = new LogBuckets(50.0, 32000.0, 10);
    /** {@code dynamo_frontend_time_to_first_token_seconds}. */
    public static final LogBuckets TIME_TO_FIRST_TOKEN = new LogBuckets(0.001, 480.0, 18);
    /** {@code dynamo_frontend_inter_token_latency_seconds}. */
    public static final LogBuckets INTER_TOKEN_LATENCY = new LogBuckets(0.001, 2.0, 13);

    /** {@code vigil_frontend_migration_recovery_seconds}: Vigil's, from a millisecond to two minutes. */
    public static final LogBuckets MIGRATION_RECOVERY = new LogBuckets(0.001, 120.0, 15);

    public LogBuckets {
        if (!(min > 0 && min < max && count > 1)) {
            throw new IllegalArgumentException(
                    "buckets need 0 < min < max and count > 1: " + min + ", " + max + ", " + count);
        }
    }

    /** The upper bounds, ascending, starting at 0. */
    public double[] bounds() {
        List<Double> bounds = new ArrayList<>();
        bounds.add(0.0);
        double logMin = Math.log(min);
        double logMax = Math.log(max);
        for (int i = 1; i < count; i++) {
            double value = roundToTwoSignificantFigures(Math.exp(logMin + (logMax - logMin) * i / (count - 1)));
            if (value != bounds.get(bounds.size() - 1)) {
                bounds.add(value);
            }
        }
        return bounds.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double roundToTwoSignificantFigures(double value) {
        double magnitude = Math.floor(Math.log10(Math.abs(value)));
        double scale = Math.pow(10, 1 - magnitude);
        return Math.round(value * scale) / scale;
    }
}
