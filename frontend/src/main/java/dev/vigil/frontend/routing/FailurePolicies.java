package dev.vigil.frontend.routing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.vigil.frontend.config.LoadSheddingConfig;
import dev.vigil.frontend.config.MigrationConfig;
import dev.vigil.frontend.config.RetryConfig;
import dev.vigil.frontend.metrics.FrontendMetrics;

/** Makes each request's {@link FailurePolicy} from the frontend's settings. */
@ApplicationScoped
public class FailurePolicies {

    /**
     * The frontend-wide settings a request's policy follows: retries before the first token ({@code
     * DYN_RETRY_*}) within the shared retry budget, migrations ({@code DYN_MIGRATION_LIMIT}, {@code
     * DYN_MIGRATION_MAX_SEQ_LEN}, null for no limit), and the status of the all-busy answer ({@code
     * DYN_HTTP_OVERLOAD_STATUS_CODE}).
     */
    public record Settings(
            int maxRetries,
            int backoffBaseMs,
            int backoffMaxMs,
            RetryBudget budget,
            int migrationLimit,
            Integer maxSeqLen,
            int overloadStatus) {}

    @Inject
    Router router;

    @Inject
    FrontendMetrics metrics;

    @Inject
    RetryConfig retry;

    @Inject
    MigrationConfig migration;

    @Inject
    LoadSheddingConfig shedding;

    @Inject
    RetryBudget budget;

    private volatile Settings settings;

    /** The policy of one request, admitted for {@code model} through the API's {@code endpoint}. */
    public FailurePolicy forRequest(String model, String endpoint, String requestId) {
        return new FailurePolicy(settings(), router, metrics, model, endpoint, requestId);
    }

    private Settings settings() {
        Settings s = settings;
        if (s == null) {
            s = new Settings(
                    retry.maxAttempts(),
                    retry.backoffBaseMs(),
                    retry.backoffMaxMs(),
                    budget,
                    migration.limit(),
                    migration.maxSeqLen().orElse(null),
                    shedding.overloadStatusCode());
            settings = s;
        }
        return s;
    }
}
