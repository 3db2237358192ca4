package dev.vigil.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link FakeOpenAiEngine} as its own process (a JVM on this test's class path), so a test can kill
 * it mid-stream with SIGKILL as an engine crash would, or stop it with SIGTERM.
 */
public final class FakeEngineProcess extends ServerProcess {

    private final int port;
    private final String model;
    private final long itlMillis;

    public FakeEngineProcess(String name, String model, long itlMillis) {
        super(name);
        this.port = FreePort.next();
        this.model = model;
        this.itlMillis = itlMillis;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The command that runs this engine, for a worker's {@code DYN_ENGINE_COMMAND}. */
    public String commandLine() {
        return String.join(" ", command());
    }

    @Override
    List<String> command() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m"));
        command.addAll(AppProcess.jvmOptions());
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                FakeOpenAiEngine.class.getName(),
                String.valueOf(port),
                model,
                String.valueOf(itlMillis)));
        return command;
    }

    @Override
    int readinessPort() {
        return port;
    }
}
