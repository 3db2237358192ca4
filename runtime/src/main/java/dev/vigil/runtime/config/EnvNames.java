package dev.vigil.runtime.config;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every environment variable Vigil reads, in one place. The names are Dynamo's where Dynamo has the
 * same setting. Each one is bound by exactly one {@code @ConfigMapping} method (the property name is
 * the variable lower-cased with {@code _} turned into {@code .} or {@code -}) and documented by one
 * row of {@code docs/configuration.md}; {@code EnvNamesTest} keeps the three in step.
 */
public final class EnvNames {

    private EnvNames() {}

    // Both apps: where the cluster is (reference §2.5).
    public static final String DYN_NAMESPACE = "DYN_NAMESPACE";
    public static final String DYN_DISCOVERY_BACKEND = "DYN_DISCOVERY_BACKEND";
    public static final String DYN_REQUEST_PLANE = "DYN_REQUEST_PLANE";
    public static final String DYN_TCP_RPC_HOST = "DYN_TCP_RPC_HOST";
    public static final String DYN_TCP_RPC_PORT = "DYN_TCP_RPC_PORT";
    public static final String ETCD_ENDPOINTS = "ETCD_ENDPOINTS";
    public static final String ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS = "ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS";
    public static final String NATS_STARTUP_CONNECT_TIMEOUT_SECONDS = "NATS_STARTUP_CONNECT_TIMEOUT_SECONDS";
    /** Ours: Dynamo hard-codes the lease TTL at 10 s. */
    public static final String DYN_ETCD_LEASE_TTL = "DYN_ETCD_LEASE_TTL";
    /** Ours: Dynamo always stops a process whose lease is lost. */
    public static final String DYN_ETCD_LEASE_LOSS = "DYN_ETCD_LEASE_LOSS";

    public static final String NATS_SERVER = "NATS_SERVER";

    // Worker: identity and shutdown.
    public static final String DYN_COMPONENT = "DYN_COMPONENT";
    public static final String DYN_MODEL_NAME = "DYN_MODEL_NAME";
    public static final String DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT = "DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT";
    public static final String DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS = "DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS";
    public static final String DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS = "DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS";
    public static final String DYN_WORKER_SHUTDOWN_ROUTER_GRACE_SECS = "DYN_WORKER_SHUTDOWN_ROUTER_GRACE_SECS";
    public static final String DYN_WORKER_SHUTDOWN_INFLIGHT_TIMEOUT_SECS = "DYN_WORKER_SHUTDOWN_INFLIGHT_TIMEOUT_SECS";
    public static final String DYN_WORKER_SHUTDOWN_CLEANUP_TIMEOUT_SECS = "DYN_WORKER_SHUTDOWN_CLEANUP_TIMEOUT_SECS";
    /** Ours: JSON or Dynamo's plain-text errors on the system status server. */
    public static final String DYN_SYSTEM_ERROR_FORMAT = "DYN_SYSTEM_ERROR_FORMAT";

    // Worker: fault injection for tests and drills (ours).
    public static final String DYN_FAULT_INJECTION_ENABLED = "DYN_FAULT_INJECTION_ENABLED";

    // Worker: the mock engine (Dynamo's mocker).
    public static final String DYN_MOCKER_ITL_MS = "DYN_MOCKER_ITL_MS";
    public static final String DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS = "DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS";
    public static final String DYN_MOCKER_SPEEDUP_RATIO = "DYN_MOCKER_SPEEDUP_RATIO";
    public static final String DYN_MOCKER_NUM_BLOCKS = "DYN_MOCKER_NUM_BLOCKS";
    public static final String DYN_MOCKER_BLOCK_SIZE = "DYN_MOCKER_BLOCK_SIZE";
    public static final String DYN_MOCKER_MAX_NUM_SEQS = "DYN_MOCKER_MAX_NUM_SEQS";
    public static final String DYN_MOCKER_STARTUP_DELAY_MS = "DYN_MOCKER_STARTUP_DELAY_MS";

    // Worker: admission control in front of the engine (ours: Dynamo's DYN_BACKEND_ADMISSION_* idea,
    // whose exact names it has not published).
    public static final String DYN_BACKEND_ADMISSION_MAX_CONCURRENT = "DYN_BACKEND_ADMISSION_MAX_CONCURRENT";
    public static final String DYN_BACKEND_ADMISSION_QUEUE_SIZE = "DYN_BACKEND_ADMISSION_QUEUE_SIZE";
    public static final String DYN_BACKEND_ADMISSION_QUEUE_TIMEOUT_MS = "DYN_BACKEND_ADMISSION_QUEUE_TIMEOUT_MS";

    // Worker: which engine (ours: Dynamo runs its engines in process).
    public static final String DYN_ENGINE = "DYN_ENGINE";
    public static final String DYN_ENGINE_URL = "DYN_ENGINE_URL";
    public static final String DYN_ENGINE_MODEL = "DYN_ENGINE_MODEL";
    public static final String DYN_ENGINE_HEALTH_PATH = "DYN_ENGINE_HEALTH_PATH";
    public static final String DYN_ENGINE_API_KEY_FILE = "DYN_ENGINE_API_KEY_FILE";
    public static final String DYN_ENGINE_COMMAND = "DYN_ENGINE_COMMAND";

    // Worker: the system status server (seed 000, reference §1.1).
    public static final String DYN_SYSTEM_PORT = "DYN_SYSTEM_PORT";
    public static final String DYN_SYSTEM_HOST = "DYN_SYSTEM_HOST";
    public static final String DYN_SYSTEM_STARTING_HEALTH_STATUS = "DYN_SYSTEM_STARTING_HEALTH_STATUS";
    public static final String DYN_SYSTEM_HEALTH_PATH = "DYN_SYSTEM_HEALTH_PATH";
    public static final String DYN_SYSTEM_LIVE_PATH = "DYN_SYSTEM_LIVE_PATH";
    public static final String DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS = "DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS";
    /** Ours: a live path that only says the process is up. */
    public static final String DYN_SYSTEM_LIVE_SHALLOW = "DYN_SYSTEM_LIVE_SHALLOW";
    /** Ours: where frontends reach the status server, published in discovery for their probes. */
    public static final String DYN_SYSTEM_ADVERTISE_HOST = "DYN_SYSTEM_ADVERTISE_HOST";

    // Worker: canary health checks (seed 001, reference §3).
    public static final String DYN_HEALTH_CHECK_ENABLED = "DYN_HEALTH_CHECK_ENABLED";
    public static final String DYN_CANARY_WAIT_TIME = "DYN_CANARY_WAIT_TIME";
    public static final String DYN_HEALTH_CHECK_REQUEST_TIMEOUT = "DYN_HEALTH_CHECK_REQUEST_TIMEOUT";
    public static final String DYN_HEALTH_CHECK_PAYLOAD = "DYN_HEALTH_CHECK_PAYLOAD";
    /** Ours: the stall watchdog for busy endpoints. */
    public static final String DYN_HEALTH_CHECK_STALL_TIMEOUT = "DYN_HEALTH_CHECK_STALL_TIMEOUT";

    // Frontend HTTP service (reference §2.1).
    public static final String DYN_HTTP_PORT = "DYN_HTTP_PORT";
    public static final String DYN_HTTP_HOST = "DYN_HTTP_HOST";
    public static final String DYN_HTTP_SVC_LIVE_PATH = "DYN_HTTP_SVC_LIVE_PATH";
    public static final String DYN_HTTP_SVC_HEALTH_PATH = "DYN_HTTP_SVC_HEALTH_PATH";
    /** Ours: the status code of {@code /health} while no worker is known. */
    public static final String DYN_HTTP_SVC_HEALTH_UNHEALTHY_STATUS = "DYN_HTTP_SVC_HEALTH_UNHEALTHY_STATUS";

    public static final String DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS = "DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS";
    public static final String DYN_ROUTER_MODE = "DYN_ROUTER_MODE";
    public static final String DYN_ROUTER_MIN_INITIAL_WORKERS = "DYN_ROUTER_MIN_INITIAL_WORKERS";
    public static final String DYN_ROUTER_FAIL_OPEN = "DYN_ROUTER_FAIL_OPEN";
    public static final String DYN_ROUTER_SHARED_HEALTH = "DYN_ROUTER_SHARED_HEALTH";
    public static final String DYN_PROBES = "DYN_PROBES";
    public static final String DYN_PROBES_FILE = "DYN_PROBES_FILE";
    public static final String DYN_PROBES_ENV_DIR = "DYN_PROBES_ENV_DIR";
    public static final String DYN_MIGRATION_LIMIT = "DYN_MIGRATION_LIMIT";
    public static final String DYN_MIGRATION_MAX_SEQ_LEN = "DYN_MIGRATION_MAX_SEQ_LEN";
    public static final String DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD = "DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD";
    public static final String DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD = "DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD";
    public static final String DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD_FRAC = "DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD_FRAC";
    public static final String DYN_HTTP_OVERLOAD_STATUS_CODE = "DYN_HTTP_OVERLOAD_STATUS_CODE";
    public static final String DYN_RUNTIME_INHIBITED_DURATION_SECS = "DYN_RUNTIME_INHIBITED_DURATION_SECS";
    public static final String DYN_DISABLE_FRONTEND_ADMIN_API = "DYN_DISABLE_FRONTEND_ADMIN_API";
    public static final String DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS = "DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS";
    public static final String DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS = "DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS";
    /** Ours: how long a streaming client may leave its response unread before it is cut. */
    public static final String DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS = "DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS";

    public static final String DYN_HTTP_MAX_INFLIGHT_REQUESTS = "DYN_HTTP_MAX_INFLIGHT_REQUESTS";
    /** Ours: Dynamo's error bodies only. */
    public static final String DYN_HTTP_ERROR_FORMAT = "DYN_HTTP_ERROR_FORMAT";
    /** Ours: the deadline of a request that carries none, and the longest one a request may carry. */
    public static final String DYN_HTTP_REQUEST_TIMEOUT_SECS = "DYN_HTTP_REQUEST_TIMEOUT_SECS";

    public static final String DYN_HTTP_REQUEST_TIMEOUT_MAX_SECS = "DYN_HTTP_REQUEST_TIMEOUT_MAX_SECS";
    // Ours: the circuit breaker and the retries before the first token.
    public static final String DYN_CB_ENABLED = "DYN_CB_ENABLED";
    public static final String DYN_CB_FAILURE_THRESHOLD = "DYN_CB_FAILURE_THRESHOLD";
    public static final String DYN_CB_SUCCESS_THRESHOLD = "DYN_CB_SUCCESS_THRESHOLD";
    public static final String DYN_CB_TIMEOUT_SECS = "DYN_CB_TIMEOUT_SECS";
    public static final String DYN_CB_WINDOW_SECS = "DYN_CB_WINDOW_SECS";
    public static final String DYN_RETRY_MAX_ATTEMPTS = "DYN_RETRY_MAX_ATTEMPTS";
    public static final String DYN_RETRY_BACKOFF_BASE_MS = "DYN_RETRY_BACKOFF_BASE_MS";
    public static final String DYN_RETRY_BACKOFF_MAX_MS = "DYN_RETRY_BACKOFF_MAX_MS";
    public static final String DYN_RETRY_BUDGET_RATIO = "DYN_RETRY_BUDGET_RATIO";
    public static final String DYN_RETRY_BUDGET_MIN_PER_SEC = "DYN_RETRY_BUDGET_MIN_PER_SEC";

    /** All names above, for the consistency test. */
    public static final List<String> ALL = List.of(
            DYN_NAMESPACE,
            DYN_DISCOVERY_BACKEND,
            DYN_REQUEST_PLANE,
            DYN_TCP_RPC_HOST,
            DYN_TCP_RPC_PORT,
            ETCD_ENDPOINTS,
            ETCD_STARTUP_CONNECT_TIMEOUT_SECONDS,
            NATS_STARTUP_CONNECT_TIMEOUT_SECONDS,
            DYN_ETCD_LEASE_TTL,
            DYN_ETCD_LEASE_LOSS,
            NATS_SERVER,
            DYN_COMPONENT,
            DYN_MODEL_NAME,
            DYN_WORKER_GRACEFUL_SHUTDOWN_TIMEOUT,
            DYN_FAULT_INJECTION_ENABLED,
            DYN_GRACEFUL_SHUTDOWN_GRACE_PERIOD_SECS,
            DYN_WORKER_SHUTDOWN_TOTAL_TIMEOUT_SECS,
            DYN_WORKER_SHUTDOWN_ROUTER_GRACE_SECS,
            DYN_WORKER_SHUTDOWN_INFLIGHT_TIMEOUT_SECS,
            DYN_WORKER_SHUTDOWN_CLEANUP_TIMEOUT_SECS,
            DYN_SYSTEM_ERROR_FORMAT,
            DYN_MOCKER_ITL_MS,
            DYN_MOCKER_PREFILL_MS_PER_1K_TOKENS,
            DYN_MOCKER_SPEEDUP_RATIO,
            DYN_MOCKER_NUM_BLOCKS,
            DYN_MOCKER_BLOCK_SIZE,
            DYN_MOCKER_MAX_NUM_SEQS,
            DYN_MOCKER_STARTUP_DELAY_MS,
            DYN_BACKEND_ADMISSION_MAX_CONCURRENT,
            DYN_BACKEND_ADMISSION_QUEUE_SIZE,
            DYN_BACKEND_ADMISSION_QUEUE_TIMEOUT_MS,
            DYN_ENGINE,
            DYN_ENGINE_URL,
            DYN_ENGINE_MODEL,
            DYN_ENGINE_HEALTH_PATH,
            DYN_ENGINE_API_KEY_FILE,
            DYN_ENGINE_COMMAND,
            DYN_SYSTEM_PORT,
            DYN_SYSTEM_HOST,
            DYN_SYSTEM_STARTING_HEALTH_STATUS,
            DYN_SYSTEM_HEALTH_PATH,
            DYN_SYSTEM_LIVE_PATH,
            DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS,
            DYN_SYSTEM_LIVE_SHALLOW,
            DYN_SYSTEM_ADVERTISE_HOST,
            DYN_HEALTH_CHECK_ENABLED,
            DYN_CANARY_WAIT_TIME,
            DYN_HEALTH_CHECK_REQUEST_TIMEOUT,
            DYN_HEALTH_CHECK_PAYLOAD,
            DYN_HEALTH_CHECK_STALL_TIMEOUT,
            DYN_HTTP_PORT,
            DYN_HTTP_HOST,
            DYN_HTTP_SVC_LIVE_PATH,
            DYN_HTTP_SVC_HEALTH_PATH,
            DYN_HTTP_SVC_HEALTH_UNHEALTHY_STATUS,
            DYN_HTTP_GRACEFUL_SHUTDOWN_TIMEOUT_SECS,
            DYN_ROUTER_MODE,
            DYN_ROUTER_MIN_INITIAL_WORKERS,
            DYN_ROUTER_FAIL_OPEN,
            DYN_ROUTER_SHARED_HEALTH,
            DYN_PROBES,
            DYN_PROBES_FILE,
            DYN_PROBES_ENV_DIR,
            DYN_MIGRATION_LIMIT,
            DYN_MIGRATION_MAX_SEQ_LEN,
            DYN_ACTIVE_DECODE_BLOCKS_THRESHOLD,
            DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD,
            DYN_ACTIVE_PREFILL_TOKENS_THRESHOLD_FRAC,
            DYN_HTTP_OVERLOAD_STATUS_CODE,
            DYN_RUNTIME_INHIBITED_DURATION_SECS,
            DYN_DISABLE_FRONTEND_ADMIN_API,
            DYN_HTTP_SSE_KEEP_ALIVE_INTERVAL_MS,
            DYN_HTTP_BACKEND_STREAM_TIMEOUT_SECS,
            DYN_HTTP_CLIENT_STALL_TIMEOUT_SECS,
            DYN_HTTP_MAX_INFLIGHT_REQUESTS,
            DYN_HTTP_ERROR_FORMAT,
            DYN_HTTP_REQUEST_TIMEOUT_SECS,
            DYN_HTTP_REQUEST_TIMEOUT_MAX_SECS,
            DYN_CB_ENABLED,
            DYN_CB_FAILURE_THRESHOLD,
            DYN_CB_SUCCESS_THRESHOLD,
            DYN_CB_TIMEOUT_SECS,
            DYN_CB_WINDOW_SECS,
            DYN_RETRY_MAX_ATTEMPTS,
            DYN_RETRY_BACKOFF_BASE_MS,
            DYN_RETRY_BACKOFF_MAX_MS,
            DYN_RETRY_BUDGET_RATIO,
            DYN_RETRY_BUDGET_MIN_PER_SEC);

    /**
     * The {@code VIGIL_…} variables of Vigil's own tools ({@code ./vigil}, {@code bench/}, the test
     * support), which the apps do not read but often inherit from the shell that runs the tools; {@code
     * EnvNamesTest} finds every one the tools use here.
     */
    public static final List<String> TOOLS = List.of(
            "VIGIL_CACHE_DIR",
            "VIGIL_CONTAINERS_KEEP",
            "VIGIL_CONTAINERS_PROJECT",
            "VIGIL_CONTAINERS_TIMEOUT_SECS",
            "VIGIL_ENGINE_MODEL",
            "VIGIL_ENGINE_URL",
            "VIGIL_ETCD_BIN",
            "VIGIL_ETCD_PEER_PORT",
            "VIGIL_ETCD_PORT",
            "VIGIL_FRONTEND_JVM_OPTIONS",
            "VIGIL_FRONTEND_PORT",
            "VIGIL_MODEL",
            "VIGIL_NATS_BIN",
            "VIGIL_NATS_PORT",
            "VIGIL_PROBES",
            "VIGIL_PROMETHEUS_BIN",
            "VIGIL_REBUILD",
            "VIGIL_REQUEST_PLANE",
            "VIGIL_ROLL_ENV",
            "VIGIL_START_SECS",
            "VIGIL_TEST_TOOLS",
            "VIGIL_WORKER_PORT",
            "VIGIL_WORKER2_PORT");

    /** Every name a Vigil app or tool reads: {@link #ALL} and {@link #TOOLS}. */
    public static final Set<String> KNOWN = Collections.unmodifiableSet(
            new LinkedHashSet<>(Stream.concat(ALL.stream(), TOOLS.stream()).toList()));

    /** Whether a Vigil app or tool reads {@code name}. */
    public static boolean known(String name) {
        return KNOWN.contains(name);
    }

    /**
     * The variable a property is read from: {@code dyn.system.live-path} → {@code
     * DYN_SYSTEM_LIVE_PATH}, the MicroProfile Config rule.
     */
    public static String forProperty(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }
}
