package netgroovy.trace;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import netgroovy.kernel.Exec;
import netgroovy.kernel.Launch;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.NetNs;

/**
 * Sends the one real packet a trace follows, from a namespace: a TCP connection attempt or a
 * UDP datagram from a chosen source port (so the tracer can pick it out), or one ping. Says
 * what came back.
 */
final class Probe {
    private Probe() {
    }

    /** A source port unlikely to be in use, from the top of the ephemeral range. */
    static int sourcePort() {
        return 61000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(4000);
    }

    /** "answered", "refused", "no answer" (within {@code timeout}). */
    static String send(NetNs ns, Flow flow, int sport, Duration timeout) {
        String dst = flow.destination().toString();
        int ms = (int) timeout.toMillis();
        return switch (flow.protocol()) {
            case "tcp" -> Namespaces.inside(ns, () -> {
                try (Socket s = new Socket()) {
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress(sport));
                    s.connect(new InetSocketAddress(dst, flow.port()), ms);
                    return "answered";
                } catch (java.net.ConnectException e) {
                    return String.valueOf(e.getMessage()).contains("refused") ? "refused" : "no answer";
                } catch (java.io.IOException e) {
                    return "no answer";
                }
            });
            case "udp" -> Namespaces.inside(ns, () -> {
                try (DatagramSocket s = new DatagramSocket(sport)) {
                    s.setSoTimeout(ms);
                    s.connect(new InetSocketAddress(dst, flow.port()));
                    byte[] msg = "netgroovy trace".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(msg, msg.length));
                    s.receive(new DatagramPacket(new byte[512], 512));
                    return "answered";
                } catch (java.net.PortUnreachableException e) {
                    return "refused";
                } catch (java.io.IOException e) {
                    return "no answer";
                }
            });
            default -> {
                var r = Exec.run(Launch.of(ns, List.of("ping", flow.destination().isV6() ? "-6" : "-4", "-c", "1", "-W",
                        String.valueOf(Math.max(1, ms / 1000)), dst)), null, timeout.plusSeconds(2));
                yield r.exitCode() == 0 ? "answered" : "no answer";
            }
        };
    }
}
