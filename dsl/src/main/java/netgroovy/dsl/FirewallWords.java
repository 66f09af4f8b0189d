package netgroovy.dsl;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import netgroovy.docker.DockerFirewall;
import netgroovy.firewall.PortMapping;
import netgroovy.kernel.Exec;
import netgroovy.kernel.ExecResult;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.InvalidValueException;
import netgroovy.value.IpAddress;

/**
 * The firewall words ({@code firewall}, {@code masquerade}, {@code publish}, {@code restrict}
 * ...) as the script says them: options checked, then handed to Docker's rules of the host
 * they are said on ({@link DockerFirewall}); and the iptables views ({@code show nat}).
 */
final class FirewallWords {
    private final NetgroovyScript script;
    private final DockerWords docker;

    FirewallWords(NetgroovyScript script) {
        this.script = script;
        this.docker = new DockerWords(script);
    }

    /** Docker's rules of the block's host. */
    DockerFirewall here() {
        return docker.here().firewall();
    }

    /** Docker's rules of the host that made the container (or of the block's host). */
    DockerFirewall of(String container) {
        return docker.of(container).firewall();
    }

    void firewall(Map<String, Object> options, String bridge) {
        Options.check("firewall", options, "icc", "masquerade");
        here().firewall(!Boolean.FALSE.equals(options.get("icc")), !Boolean.FALSE.equals(options.get("masquerade")), bridge);
    }

    List<PortMapping> publish(Map<String, Object> options, String container, List<String> specs) {
        Options.check("publish", options, "ip", "bridge");
        return of(container).publish(container, specs, options.containsKey("ip") ? IpAddress.parse(options.get("ip").toString()) : null,
                options.containsKey("bridge") ? options.get("bridge").toString() : null);
    }

    /** Who may reach published ports: {@code restrict on: 'ext0', allow: '203.0.113.7'}. */
    void restrict(Map<String, Object> options) {
        Options.check("restrict", options, "on", "allow");
        Object on = options.get("on");
        Object allow = options.get("allow");
        if (on == null || allow == null) {
            throw new InvalidValueException("restrict needs on: (the outside interface) and allow: (who may connect), "
                    + "like restrict on: 'ext0', allow: '203.0.113.7'");
        }
        here().restrict(IfName.of(on.toString()), Cidr.parse(allow.toString()));
    }

    /** {@code iptables -t TABLE -L -n}, here. */
    String listing(String table) {
        return iptablesOutput(List.of("iptables", "-t", table, "-L", "-n"));
    }

    String save() {
        return iptablesOutput(List.of("iptables-save"));
    }

    private String iptablesOutput(List<String> argv) {
        Session session = script.session();
        session.flush();
        if (!session.live()) {
            return "";
        }
        ExecResult r = session.kernel().exec(session.here(), argv, Duration.ofSeconds(30));
        if (!r.ok()) {
            throw new InvalidValueException(String.join(" ", argv) + " failed: " + r.stderr().strip());
        }
        return r.stdout();
    }
}
