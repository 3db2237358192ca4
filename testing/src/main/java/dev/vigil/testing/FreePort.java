package dev.vigil.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback port nobody listens on right now, for a process a test is about to start.
 *
 * <p>Not one the kernel hands out itself ({@code new ServerSocket(0)}): that comes from the
 * ephemeral range, from which every outgoing connection of every process on the machine also takes
 * its local port, so between the pick and the app's bind a client socket (another fork's load, a
 * Maven download) could take it ("Port already bound", seen in CI). These come from below the
 * ephemeral range, where only listeners live, and are never handed out twice by one JVM.
 */
public final class FreePort {

    /** Below the ephemeral range, above the ports services commonly use. */
    private static final int LOWEST = 10_000;

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePort() {}

    public static int next() {
        int highest = ephemeralStart() - 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = LOWEST + random.nextInt(Math.max(1, highest - LOWEST + 1));
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            } catch (IOException taken) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port from " + LOWEST + " to " + highest);
    }

    /** The first port of the kernel's ephemeral range (32768 on Linux unless changed). */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
