package dev.vigil.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Vigil cluster on this machine's loopback: one etcd, a nats-server when the request plane is
 * NATS (not with the direct TCP plane, the default), and as many packaged workers and frontends as a
 * test starts, each a process on free ports with the environment a user would give it. Closing the
 * cluster stops every process it started, by PID: frontends, workers, NATS, etcd.
 *
 * <pre>{@code
 * cluster = Cluster.builder("cluster")
 *         .env("DYN_ETCD_LEASE_TTL", "3")        // every app
 *         .workerEnv("DYN_MOCKER_ITL_MS", "2")   // every worker
 *         .workers(2)
 *         .frontend()
 *         .start();                              // waits until each app's status server answers
 * App extra = cluster.addWorker();               // cluster-worker-3, mid-test
 * extra.process().kill();
 * }</pre>
 *
 * <p>An app's addresses are the cluster's: {@code ETCD_ENDPOINTS}, {@code DYN_REQUEST_PLANE} with
 * {@code NATS_SERVER} (NATS) or a worker's {@code DYN_TCP_RPC_HOST} (TCP), and its host and port
 * variables ({@code DYN_SYSTEM_*} for a worker, {@code DYN_HTTP_*} for a frontend) are always set by
 * the cluster; every other variable is the test's. Process logs are
 * {@code target/it-logs/<prefix>-worker-<n>.log} and {@code <prefix>-frontend[-<name>].log}.
 */
public final class Cluster implements AutoCloseable {

    /** Every process listens here only. */
    public static final String HOST = "127.0.0.1";

    private final String prefix;
    private final Map<String, String> env;
    private final Map<String, String> workerEnv;
    private final Map<String, String> frontendEnv;
    private final String requestPlane;
    private final boolean unknownVariablesExpected;
    private final EtcdServer etcd;
    private final NatsServer nats;
    private final List<App> workers = new CopyOnWriteArrayList<>();
    private final List<App> frontends = new CopyOnWriteArrayList<>();
    private final AtomicInteger workersStarted = new AtomicInteger();

    private Cluster(Builder builder, EtcdServer etcd, NatsServer nats) {
        this.prefix = builder.prefix;
        this.env = Map.copyOf(builder.env);
        this.workerEnv = Map.copyOf(builder.workerEnv);
        this.frontendEnv = Map.copyOf(builder.frontendEnv);
        this.requestPlane = builder.requestPlane;
        this.unknownVariablesExpected = builder.unknownVariablesExpected;
        this.etcd = etcd;
        this.nats = nats;
    }

    /**
     * A cluster whose processes are named {@code <prefix>-worker-…} and {@code <prefix>-frontend…}
     * (just {@code worker-…} and {@code frontend…} when {@code prefix} is empty).
     */
    public static Builder builder(String prefix) {
        return new Builder(prefix);
    }

    /** What the cluster starts with; nothing runs until {@link #start()}. */
    public static final class Builder {
        private final String prefix;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> workerEnv = new LinkedHashMap<>();
        private final Map<String, String> frontendEnv = new LinkedHashMap<>();
        private int workers;
        private boolean frontend;
        private Duration answerWithin = Duration.ofSeconds(60);
        private String requestPlane = "tcp";
        private boolean unknownVariablesExpected;
        private boolean etcdLater;
        private boolean natsLater;

        private Builder(String prefix) {
            this.prefix = prefix;
        }

        /** Variables every app gets, as {@code name, value, name, value, …}. */
        public Builder env(String... keyValues) {
            env.putAll(AppProcess.env(keyValues));
            return this;
        }

        /** Variables every worker gets, over {@link #env}. */
        public Builder workerEnv(String... keyValues) {
            workerEnv.putAll(AppProcess.env(keyValues));
            return this;
        }

        /** Variables every frontend gets, over {@link #env}. */
        public Builder frontendEnv(String... keyValues) {
            frontendEnv.putAll(AppProcess.env(keyValues));
            return this;
        }

        /** Starts {@code count} workers, {@code <prefix>-worker-1} to {@code -<count>}. */
        public Builder workers(int count) {
            this.workers = count;
            return this;
        }

        /** Starts one frontend, {@code <prefix>-frontend}. */
        public Builder frontend() {
            this.frontend = true;
            return this;
        }

        /**
         * {@code tcp} (the default, the apps' default: no nats-server is started) or {@code nats}
         * (one is, and every app is given its URL).
         */
        public Builder requestPlane(String plane) {
            if (!plane.equals("tcp") && !plane.equals("nats")) {
                throw new IllegalArgumentException("request plane tcp or nats, not " + plane);
            }
            this.requestPlane = plane;
            return this;
        }

        /**
         * The apps are given variables they do not know on purpose (a test of their warning); without
         * this, an app that warns about one fails the test ({@link AppProcess}).
         */
        /**
         * etcd is made but not started: apps started now find no etcd, as when they come up before
         * it; the test starts it with {@code etcd().start()}. Apps asked for here are not waited for.
         */
        public Builder etcdStartedLater() {
            etcdLater = true;
            return this;
        }

        /** As {@link #etcdStartedLater}, for the NATS plane's nats-server: the test starts it with {@code nats().start()}. */
        public Builder natsStartedLater() {
            natsLater = true;
            return this;
        }

        public Builder expectingUnknownVariables() {
            this.unknownVariablesExpected = true;
            return this;
        }

        /** How long {@link #start()} waits for each app's status server to answer; 60 s unless set. */
        public Builder answerWithin(Duration atMost) {
            this.answerWithin = atMost;
            return this;
        }

        /**
         * Starts etcd (and NATS for that plane), then every app asked for (all at once, so they load in parallel), then
         * waits until each one's status server answers {@code /live} (any status): a worker's may still
         * say it is not ready. If anything fails to start, what did start is stopped.
         */
        public Cluster start() {
            EtcdServer etcd = null;
            NatsServer nats = null;
            Cluster cluster = null;
            try {
                etcd = etcdLater ? new EtcdServer() : EtcdServer.started();
                nats = requestPlane.equals("nats") ? (natsLater ? new NatsServer() : NatsServer.started()) : null;
                cluster = new Cluster(this, etcd, nats);
                List<App> apps = new ArrayList<>();
                for (int i = 0; i < workers; i++) {
                    apps.add(cluster.addWorker());
                }
                if (frontend) {
                    apps.add(cluster.frontend(null).start());
                }
                for (App app : etcdLater || natsLater ? List.<App>of() : apps) {
                    app.awaitLive(answerWithin);
                }
                return cluster;
            } catch (RuntimeException | Error e) {
                Processes.closeAll(cluster, nats, etcd);
                throw e;
            }
        }
    }

    public EtcdServer etcd() {
        return etcd;
    }

    /** The cluster's nats-server; only on the NATS plane. */
    public NatsServer nats() {
        if (nats == null) {
            throw new IllegalStateException("this cluster runs on the TCP plane: there is no nats-server");
        }
        return nats;
    }

    /** {@code tcp} or {@code nats}. */
    public String requestPlane() {
        return requestPlane;
    }

    /** The workers started so far, in start order, including any that have exited since. */
    public List<App> workers() {
        return List.copyOf(workers);
    }

    /** The {@code index}-th worker started (0 is the first). */
    public App worker(int index) {
        return workers.get(index);
    }

    /** The frontends started so far, in start order. */
    public List<App> frontends() {
        return List.copyOf(frontends);
    }

    /** The first frontend started. */
    public App frontend() {
        return frontends.get(0);
    }

    /**
     * Starts the next numbered worker ({@code <prefix>-worker-<n>}) with the cluster's worker variables
     * and {@code env}, and returns at once: the caller waits for what it needs.
     */
    public App addWorker(String... env) {
        return worker(String.valueOf(workersStarted.incrementAndGet())).env(env).start();
    }

    /** A worker named {@code <prefix>-worker-<name>} about to start, on a port fixed now. */
    public Launch worker(String name) {
        return new Launch(Role.WORKER, name);
    }

    /**
     * A frontend named {@code <prefix>-frontend-<name>} ({@code <prefix>-frontend} when {@code name} is
     * null) about to start, on a port fixed now.
     */
    public Launch frontend(String name) {
        return new Launch(Role.FRONTEND, name);
    }

    /**
     * Stops {@code app} by SIGKILL if it still runs and starts it again with the same variables and
     * port, as an orchestrator restarts a container; returns at once. Its log goes on in a new file,
     * {@code <name>-restart-<n>.log}.
     */
    public App restart(App app) {
        app.close();
        List<App> list = app.role == Role.WORKER ? workers : frontends;
        long restarts = list.stream()
                .filter(a -> a.name().startsWith(app.baseName + "-restart-"))
                .count();
        App again = app.role.start(app.baseName + "-restart-" + (restarts + 1), app.baseName, app.port, app.env);
        if (unknownVariablesExpected) {
            again.process().expectingUnknownVariables();
        }
        list.add(again);
        return again;
    }

    /** Stops every app the cluster started (frontends first, then workers), then NATS and etcd. */
    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(frontends);
        all.addAll(workers);
        all.add(nats);
        all.add(etcd);
        Processes.closeAll(all.toArray(AutoCloseable[]::new));
    }

    private String name(Role role, String name) {
        String base = prefix.isEmpty() ? role.word : prefix + "-" + role.word;
        return name == null || name.isEmpty() ? base : base + "-" + name;
    }

    /** Which app a process is. */
    public enum Role {
        WORKER("worker", "DYN_SYSTEM_HOST", "DYN_SYSTEM_PORT"),
        FRONTEND("frontend", "DYN_HTTP_HOST", "DYN_HTTP_PORT");

        final String word;
        final String hostVariable;
        final String portVariable;

        Role(String word, String hostVariable, String portVariable) {
            this.word = word;
            this.hostVariable = hostVariable;
            this.portVariable = portVariable;
        }

        App start(String name, String baseName, int port, Map<String, String> env) {
            AppProcess process =
                    AppProcess.start(name, this == WORKER ? AppProcess.workerJar() : AppProcess.frontendJar(), env);
            return new App(this, name, baseName, port, env, process);
        }
    }

    /** A worker or frontend about to start: its name and port are fixed, its variables can still be added. */
    public final class Launch {
        private final Role role;
        private final String name;
        private final Map<String, String> extra = new LinkedHashMap<>();
        private int port = FreePort.next();

        private Launch(Role role, String name) {
            this.role = role;
            this.name = Cluster.this.name(role, name);
        }

        /** The port its status server (worker) or HTTP API (frontend) will listen on. */
        public int port() {
            return port;
        }

        /** Listens on {@code port} instead of the free one picked. */
        public Launch port(int port) {
            this.port = port;
            return this;
        }

        /** More variables, as {@code name, value, …}, over the cluster's. */
        public Launch env(String... keyValues) {
            extra.putAll(AppProcess.env(keyValues));
            return this;
        }

        /** More variables, over the cluster's. */
        public Launch env(Map<String, String> variables) {
            extra.putAll(variables);
            return this;
        }

        /** Starts the process and returns at once. */
        public App start() {
            Map<String, String> vars = new LinkedHashMap<>(env);
            vars.putAll(role == Role.WORKER ? workerEnv : frontendEnv);
            vars.putAll(extra);
            vars.put("ETCD_ENDPOINTS", etcd.endpoint());
            vars.put("DYN_REQUEST_PLANE", requestPlane);
            if (nats != null) {
                vars.put("NATS_SERVER", nats.url());
            } else if (role == Role.WORKER) {
                vars.put("DYN_TCP_RPC_HOST", HOST);
                vars.put("DYN_TCP_RPC_PORT", "0");
            }
            vars.put(role.hostVariable, HOST);
            vars.put(role.portVariable, String.valueOf(port));
            App app = role.start(name, name, port, Map.copyOf(vars));
            if (unknownVariablesExpected) {
                app.process().expectingUnknownVariables();
            }
            (role == Role.WORKER ? workers : frontends).add(app);
            return app;
        }
    }

    /**
     * A started worker or frontend: its process, and where it answers.
     *
     * @param port its status server's port (worker) or its HTTP API's (frontend)
     * @param baseName the name it was first started under (restarts add a suffix)
     * @param env the variables it was started with, so a restart gets the same
     */
    public record App(Role role, String name, String baseName, int port, Map<String, String> env, AppProcess process)
            implements AutoCloseable {

        /** {@code http://127.0.0.1:<port>} */
        public String url() {
            return "http://" + HOST + ":" + port;
        }

        /** {@code http://127.0.0.1:<port><path>} */
        public String url(String path) {
            return url() + path;
        }

        /**
         * Waits until the app answers {@code path} with any HTTP status, or fails with its log (at
         * once if it exited): its server is up, whatever it says.
         */
        public App awaitAnswering(String path, Duration atMost) {
            process.awaitHttp(url(path), atMost);
            return this;
        }

        /** {@link #awaitAnswering} on {@code /live}. */
        public App awaitLive(Duration atMost) {
            return awaitAnswering("/live", atMost);
        }

        @Override
        public void close() {
            process.close();
        }

        @Override
        public String toString() {
            return name + " on " + url();
        }
    }
}
